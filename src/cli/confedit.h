/*
 * confedit.h — changing `content_dir` in the text of a configuration
 * file for `wsusctl movecontent`, keeping comments, order and every other
 * line as they were.  Line based: a `[server]` header line starts the
 * section, a `content_dir = ...` line in it is replaced.  The result is
 * not checked here: the caller parses it (config_load_string) and checks
 * content_dir before writing it.  Not here: reading or writing files.
 */
#ifndef WSUSD_CLI_CONFEDIT_H
#define WSUSD_CLI_CONFEDIT_H

#include "util/buf.h"

/*
 * Append to out the text with content_dir = dir in [server]: its line
 * replaced, else added at the end of [server], else a [server] section
 * added at the end.  A last line without a newline gets one.
 */
void	confedit_content_dir(const char *text, const char *dir,
	    struct buf *out);

#endif
