/*
 * fuzz/config.c — libFuzzer target for config_load_string(): any text must
 * give either a valid configuration or errors with sane line numbers, never
 * a crash or leak.  A valid configuration must survive config_dump() and a
 * second load unchanged (the dump is a faithful INI of what was read).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DUMP_MAX (64 * 1024)	/* 16 listeners of a few hundred bytes */

static char *
dump(const struct config *cfg)
{
	char *buf = calloc(1, DUMP_MAX);
	FILE *fp;

	if (buf == NULL || (fp = fmemopen(buf, DUMP_MAX - 1, "w")) == NULL)
		abort();
	config_dump(cfg, fp);
	if (ferror(fp) || ftell(fp) >= DUMP_MAX - 2)
		abort();
	fclose(fp);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, again;
	struct config_errors errs, errs2;
	char *text, *a, *b;
	int lines = 1;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size && text[i] != '\0'; i++)
		lines += text[i] == '\n';

	if (config_load_string(text, &cfg, &errs) == 0) {
		if (errs.n != 0 || cfg.nlisteners == 0 ||
		    cfg.nlisteners > CONFIG_MAX_LISTENERS)
			abort();
		a = dump(&cfg);
		if (config_load_string(a, &again, &errs2) != 0)
			abort();
		b = dump(&again);
		/* the first line names the source; compare the rest */
		if (strcmp(strchr(a, '\n'), strchr(b, '\n')) != 0)
			abort();
		free(a);
		free(b);
		config_free(&again);
	} else {
		if (errs.n == 0 || errs.n > CONFIG_MAX_ERRORS)
			abort();
		for (size_t i = 0; i < errs.n; i++)
			if (errs.e[i].line < 0 || errs.e[i].line > lines ||
			    memchr(errs.e[i].msg, '\0', sizeof(errs.e[i].msg)) == NULL)
				abort();
	}
	config_free(&cfg);
	free(text);
	return 0;
}
