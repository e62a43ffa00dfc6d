/* cmd_decode.c - whichns decode: being written (see issue 6). */
#include <stdio.h>
#include "commands.h"
#include "runfolder.h"

int cmd_decode(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "whichns: decode is not available in this build\n");
	return EXIT_USAGE;
}
