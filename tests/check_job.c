/*
 * check_job.c - a case to run, from a scenario case or exec's options:
 * its folder, identity, command line, argv and the line that runs it
 * again, the same way for both.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "job.h"
#include "suites.h"
#include "testutil.h"

/* A probe case of a scenario, as scn_case_at() gives it. */
static struct scn_case probe_case(void)
{
	struct scn_case c;
	memset(&c, 0, sizeof c);
	c.seq = 6;
	strcpy(c.name, "bookworm:res_loop/inplace/no-reload/nscd");
	strcpy(c.group, "classic");
	strcpy(c.probe, "res_loop");
	strcpy(c.update, "inplace");
	strcpy(c.options, "no-reload");
	strcpy(c.cache, "nscd");
	strcpy(c.libc, "bookworm");
	strcpy(c.qname, "hat.com");
	c.interval_ms = 50;
	c.window_ms = 1500;
	c.before = 3;
	c.switch_after_ms = 1000;
	c.timeout_ms = 10000;
	strcpy(c.why, "res_init every 5 rounds");
	strcpy(c.trigger, "ignored without exec");
	c.trigger_ms = 1000;
	c.fresh_ms = 5000;
	return c;
}

START_TEST(test_scenario_probe)
{
	struct scn_case c = probe_case();
	struct job j;
	job_from_scenario(&j, &c, "/opt/whichns/whichns run", "a.scn 'my file.scn'");
	ck_assert_str_eq(j.name, c.name);
	ck_assert_str_eq(j.dir, "007-bookworm_res_loop_inplace_no-reload_nscd");
	ck_assert(j.nscd);
	ck_assert_int_eq(j.kind, JOB_PROBE);
	ck_assert(!job_any_name(&j));
	ck_assert_ptr_null(j.trigger);   /* triggers go with a command only */
	ck_assert_ptr_null(j.fresh);
	ck_assert_uint_eq(j.switch_at_ms, 0);
	ck_assert_int_eq(j.expected, V_NONE);
	ck_assert_str_eq(j.rerun, "/opt/whichns/whichns run --libc bookworm -f "
	                 "=bookworm:res_loop/inplace/no-reload/nscd a.scn 'my file.scn'");

	strcpy(c.cache, "none");
	job_from_scenario(&j, &c, NULL, NULL);
	ck_assert(!j.nscd);
	ck_assert_str_eq(j.rerun, "whichns run --libc bookworm -f "
	                 "=bookworm:res_loop/inplace/no-reload/nscd ");
}
END_TEST

/* A name the shell would split is quoted whole in the rerun line. */
START_TEST(test_scenario_quoting)
{
	struct scn_case c = probe_case();
	strcpy(c.name, "it's/inplace/default");
	struct job j;
	job_from_scenario(&j, &c, "whichns run", "x.scn");
	ck_assert_str_eq(j.rerun, "whichns run --libc bookworm -f ='it'\\''s/inplace/default' x.scn");
	ck_assert_str_eq(j.dir, "007-it's_inplace_default");
}
END_TEST

START_TEST(test_scenario_command)
{
	struct scn_case c = probe_case();
	strcpy(c.exec, "/usr/sbin/sendmail -bD -q2s");
	strcpy(c.trigger, "echo hi | sendmail root@hat.com");
	strcpy(c.fresh, "sendmail -q");
	struct job j;
	job_from_scenario(&j, &c, NULL, NULL);
	ck_assert_int_eq(j.kind, JOB_SHELL);
	ck_assert(job_any_name(&j));
	ck_assert_str_eq(j.shell, c.exec);
	ck_assert_str_eq(j.trigger, c.trigger);
	ck_assert_str_eq(j.fresh, c.fresh);

	struct job_cmd cmd;
	job_command(&j, "/var/cache/whichns/rootfs/bookworm", "/unused", &cmd);
	ck_assert_str_eq(cmd.argv[0], "/bin/sh");
	ck_assert_str_eq(cmd.argv[1], "-c");
	ck_assert_str_eq(cmd.argv[2], c.exec);
	ck_assert_ptr_null(cmd.argv[3]);
	ck_assert_str_eq(cmd.command, "chroot /var/cache/whichns/rootfs/bookworm "
	                 "/usr/sbin/sendmail -bD -q2s");
	ck_assert_str_eq(cmd.trigger[2], c.trigger);
	ck_assert_ptr_null(cmd.trigger[3]);
	ck_assert_str_eq(cmd.fresh[0], "/bin/sh");
	ck_assert_str_eq(cmd.fresh[2], c.fresh);
}
END_TEST

START_TEST(test_probe_command)
{
	struct scn_case c = probe_case();
	struct job j;
	struct job_cmd cmd;
	job_from_scenario(&j, &c, NULL, NULL);

	job_command(&j, "", "/src/build/repro", &cmd);   /* the host's tree */
	ck_assert_str_eq(cmd.argv[0], "/src/build/repro/res_loop");
	ck_assert_str_eq(cmd.argv[1], "-i");
	ck_assert_str_eq(cmd.argv[2], "50");
	ck_assert_str_eq(cmd.argv[3], "hat.com");
	ck_assert_ptr_null(cmd.argv[4]);
	ck_assert_str_eq(cmd.command, "/src/build/repro/res_loop -i 50 hat.com");
	ck_assert_ptr_null(cmd.trigger);
	ck_assert_ptr_null(cmd.fresh);

	job_command(&j, "/c/rootfs/bookworm", "/c/probes/bookworm", &cmd);
	ck_assert_str_eq(cmd.argv[0], JOB_PROBES_IN_ROOT "/res_loop");
	ck_assert_str_eq(cmd.command, "chroot /c/rootfs/bookworm "
	                 JOB_PROBES_IN_ROOT "/res_loop -i 50 hat.com");
}
END_TEST

START_TEST(test_exec)
{
	char *cmdline[] = { "exec", "--nscd", "--trigger", "kill -HUP 1", "--",
	                    "/usr/sbin/mydaemon", "-f", NULL };
	struct job j;
	job_exec_defaults(&j);
	ck_assert_str_eq(j.name, "exec");
	ck_assert_str_eq(j.dir, "001-exec");
	ck_assert_str_eq(j.libc, "host");
	ck_assert_uint_eq(j.window_ms, 5000);
	ck_assert_uint_eq(j.timeout_ms, 30000);
	ck_assert_int_eq(j.kind, JOB_ARGV);
	ck_assert(job_any_name(&j));
	j.nscd = true;
	j.trigger = cmdline[3];
	job_exec_command(&j, cmdline + 5, cmdline);
	ck_assert_str_eq(j.probe, "/usr/sbin/mydaemon");
	ck_assert_str_eq(j.rerun, "whichns exec --nscd --trigger 'kill -HUP 1' -- "
	                 "/usr/sbin/mydaemon -f");

	struct job_cmd cmd;
	job_command(&j, "/c/rootfs/sid", "/c/probes/sid", &cmd);
	ck_assert_ptr_eq(cmd.argv, cmdline + 5);   /* run as given */
	ck_assert_str_eq(cmd.command, "/usr/sbin/mydaemon -f");
	ck_assert_str_eq(cmd.trigger[2], "kill -HUP 1");
	ck_assert_ptr_null(cmd.fresh);
}
END_TEST

/* A rerun line that cannot hold the whole command keeps whole words. */
START_TEST(test_exec_rerun_limit)
{
	static char word[501];
	memset(word, 'x', sizeof word - 1);
	char *cmdline[] = { "exec", "--", word, word, word, word, word, word,
	                    word, word, word, word, NULL };
	struct job j;
	job_exec_defaults(&j);
	job_exec_command(&j, cmdline + 2, cmdline);
	/* "whichns exec --" and as many words as fit: 8 of 10. */
	ck_assert_uint_eq(strlen(j.rerun), strlen("whichns exec --") + 8 * (1 + 500));
	ck_assert_int_eq(strncmp(j.rerun, "whichns exec -- xxx", 19), 0);
	ck_assert_int_eq(j.rerun[strlen(j.rerun) - 501], ' ');
}
END_TEST

/* An --env whose name looks like a secret is written into the rerun line
 * as a variable of the shell that runs it, never its value; other --env
 * values, and the command's own words after "--", as given. */
START_TEST(test_exec_rerun_secret_env)
{
	char *cmdline[] = { "exec", "--env", "API_TOKEN=s3cret", "--env",
	                    "RES_OPTIONS=no-reload", "--env=db_password=x y",
	                    "--", "prog", "--env", "MY_KEY=v", NULL };
	struct job j;
	job_exec_defaults(&j);
	ck_assert_int_eq(j.env.mode, ENV_KEEP);
	job_exec_command(&j, cmdline + 7, cmdline);
	ck_assert_str_eq(j.rerun, "whichns exec --env API_TOKEN=\"${API_TOKEN:?}\" "
	                 "--env RES_OPTIONS=no-reload "
	                 "--env=db_password=\"${db_password:?}\" -- prog --env MY_KEY=v");
	ck_assert_ptr_null(strstr(j.rerun, "s3cret"));
}
END_TEST

START_TEST(test_identity)
{
	struct scn_case c = probe_case();
	struct job j;
	struct case_result r;
	job_from_scenario(&j, &c, NULL, NULL);
	caseres_init(&r);
	job_identity(&j, &r);
	ck_assert_str_eq(r.name, c.name);
	ck_assert_str_eq(r.group, "classic");
	ck_assert_str_eq(r.probe, "res_loop");
	ck_assert_str_eq(r.update, "inplace");
	ck_assert_str_eq(r.options, "no-reload");
	ck_assert_str_eq(r.cache, "nscd");
	ck_assert_str_eq(r.libc_axis, "bookworm");
	ck_assert_str_eq(r.dir, "007-bookworm_res_loop_inplace_no-reload_nscd");
	ck_assert_str_eq(r.pcap, "007-bookworm_res_loop_inplace_no-reload_nscd/capture.pcap");
	ck_assert_str_eq(r.why, "res_init every 5 rounds");
	ck_assert_str_eq(r.only, "");
	ck_assert_str_eq(r.command, "");   /* job_command's */

	/* exec: cache from the bool, a long program name cut to the record. */
	static char prog[200];
	memset(prog, 'p', sizeof prog - 1);
	char *argv[] = { prog, NULL }, *words[] = { "exec", "--", prog, NULL };
	job_exec_defaults(&j);
	job_exec_command(&j, argv, words);
	j.only = "MX";
	caseres_init(&r);
	job_identity(&j, &r);
	ck_assert_str_eq(r.cache, "none");
	ck_assert_str_eq(r.group, "exec");
	ck_assert_str_eq(r.only, "MX");
	ck_assert_str_eq(r.dir, "001-exec");
	ck_assert_uint_eq(strlen(r.probe), sizeof r.probe - 1);
}
END_TEST

Suite *job_suite(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, test_scenario_probe);
	tcase_add_test(tc, test_scenario_quoting);
	tcase_add_test(tc, test_scenario_command);
	tcase_add_test(tc, test_probe_command);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_rerun_secret_env);
	tcase_add_test(tc, test_identity);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_exec_rerun_limit);
	suite_add_tcase(s, tc);
	return s;
}
