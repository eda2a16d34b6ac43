/*
 * replay_main.c — runs a libFuzzer harness over every file of its corpus
 * directories, without libFuzzer, so that the ordinary (gcc, sanitizer)
 * test run replays the whole corpus as a regression suite (the idea of
 * SQLite's fuzzcheck).  Prints cmocka-like closing lines.
 *
 * usage: replay_NAME DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (64u * 1024 * 1024)

static int
replay_file(const char *path, unsigned *n)
{
	char *data;
	size_t len;

	if (read_file(path, REPLAY_MAX_INPUT, &data, &len) == -1) {
		perror(path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	(*n)++;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned n = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == -1) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad |= replay_file(argv[i], &n) != 0;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		if (d == NULL) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			char p[4096];
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			bad |= replay_file(p, &n) != 0;
		}
		closedir(d);
	}
	printf("replayed %u inputs\n", n);
	if (n == 0) {
		fprintf(stderr, "no corpus inputs found\n");
		return 1;
	}
	return bad;
}
