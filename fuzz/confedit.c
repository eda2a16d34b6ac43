/*
 * fuzz/confedit.c — libFuzzer target for confedit_content_dir() (the
 * configuration edit of `wsusctl movecontent`): any text gives an output
 * without a crash or leak; when the text is a valid configuration and the
 * edited text parses too, content_dir is exactly the new directory (what
 * movecontent checks before it writes the file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/confedit.h"
#include "config/config.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NEWDIR	"/srv/wsus/content"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, edited;
	struct config_errors errs;
	struct buf out;
	char *text;
	int ok;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&out, 2 * 64 * 1024);
	confedit_content_dir(text, NEWDIR, &out);
	if (out.failed || out.data == NULL)
		abort();
	/* config_load_string fills cfg even when it fails: always free */
	ok = config_load_string(text, &cfg, &errs) == 0;
	if (ok) {
		if (config_load_string(out.data, &edited, &errs) == 0 &&
		    (edited.content_dir == NULL ||
		    strcmp(edited.content_dir, NEWDIR) != 0))
			abort();
		config_free(&edited);
	}
	config_free(&cfg);
	buf_free(&out);
	free(text);
	return 0;
}
