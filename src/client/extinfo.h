/*
 * extinfo.h — what wsus-client reads from the fragments of
 * GetExtendedUpdateInfo: from the Extended fragment the KB number, MSRC
 * severity, the files (name, size, SHA-1, SHA-256) and the download
 * size; from LocalizedProperties the title and description of one
 * language.  The fragments are parsed with Expat inside a synthetic
 * root, bounded like core fragments (applic.h).
 */
#ifndef WSUSD_CLIENT_EXTINFO_H
#define WSUSD_CLIENT_EXTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXT_MAX_FILES	4096
#define EXT_MAX_TEXT	65536	/* title, description */

struct ext_file {
	uint8_t		 sha1[20];
	uint8_t		 sha256[32];
	bool		 has_sha256;
	char		*name;		/* owned; FileName */
	uint64_t	 size;
};

struct ext_info {
	bool		 have_extended;
	bool		 have_localized;
	char		*kb;		/* owned; KBArticleID */
	char		*severity;	/* owned; MsrcSeverity */
	char		*language;	/* owned; of the title */
	char		*title;		/* owned */
	char		*description;	/* owned */
	struct ext_file	*files;		/* owned */
	size_t		 nfiles;
};

/*
 * Parse one fragment into *e: an Extended fragment fills the properties
 * and files, a LocalizedProperties fragment the title (one for language
 * "en" replaces one in another language, never the other way round, so
 * the English text wins as WSUS's fallback).  0, or -1 with err.
 */
int	ext_parse(const char *xml, size_t len, struct ext_info *e, char *err,
	    size_t errlen);
void	ext_free(struct ext_info *);

#endif
