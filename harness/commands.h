/*
 * commands.h - whichns subcommands that live in files of their own.
 * Each takes argv with its own name in argv[0] and returns an exit status
 * of DESIGN.md (runfolder.h names them).
 */
#ifndef WHICHNS_COMMANDS_H
#define WHICHNS_COMMANDS_H

int cmd_decode(int argc, char **argv);   /* cmd_decode.c */

#endif
