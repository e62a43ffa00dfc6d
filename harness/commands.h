/*
 * commands.h - whichns subcommands that live in files of their own.
 * Each takes argv with its own name in argv[0] and returns an exit status
 * of DESIGN.md (runfolder.h names them).
 */
#ifndef WHICHNS_COMMANDS_H
#define WHICHNS_COMMANDS_H

struct run_opts;
struct exec_job;

int cmd_decode(int argc, char **argv);   /* cmd_decode.c */
int cmd_bundle(int argc, char **argv);   /* cmd_bundle.c */
/* prepare: called once the arguments are good, to find paths and check
 * the environment and the job's C library; returns 0 or an exit status. */
int cmd_exec(int argc, char **argv,
             int (*prepare)(struct run_opts *, const struct exec_job *));

#endif
