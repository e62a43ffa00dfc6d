/*
 * commands.h - the whichns subcommands, each in a file of its own.
 * Each takes argv with its own name in argv[0] and returns an exit status
 * (exitcodes.h; doc/design.md, "Exit codes").
 */
#ifndef WHICHNS_COMMANDS_H
#define WHICHNS_COMMANDS_H

int cmd_run(int argc, char **argv);      /* cmd_run.c */
int cmd_exec(int argc, char **argv);     /* cmd_exec.c */
int cmd_decode(int argc, char **argv);   /* cmd_decode.c */
int cmd_merge(int argc, char **argv);    /* cmd_merge.c */
int cmd_bundle(int argc, char **argv);   /* cmd_bundle.c */
int cmd_watch(int argc, char **argv);    /* cmd_watch.c */
int cmd_roots(int argc, char **argv);    /* cmd_roots.c */

/* The usage lines of every command, and what run --help adds (main.c). */
extern const char whichns_usage[], whichns_help[];

#endif
