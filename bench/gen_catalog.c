/*
 * gen_catalog.c — writes a synthetic update catalog for benchmarks: N
 * <upd:Update> documents shaped like the real ones in tests/fixtures
 * (categories first, then software updates that name a product and a
 * classification through IsCategory prerequisites, with applicability
 * rules, one file with SHA-1 + SHA-256 digests, a KB number and a title).
 * Deterministic for a given seed.  Not a test: the content of the files
 * named by the digests does not exist.
 *
 * With DETECTOIDS > 0 it also writes that many detectoids (installed on
 * every Windows 10 machine) in prerequisite chains of CHAIN (default 3:
 * each detectoid but the first of a chain requires the one before), and
 * every software update requires one of them, so a client needs extra
 * SyncUpdates rounds to reach the updates, as with real catalogs.
 *
 * usage: gen_catalog DIR COUNT [SEED [DETECTOIDS [CHAIN]]]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/encode.h"

#define NPRODUCTS 12
#define NCLASSES 8

static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64*: deterministic, good enough for ids and digests */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static void
guid(char out[37])
{
	uint8_t b[16];
	char h[33];

	for (int i = 0; i < 16; i += 8) {
		uint64_t v = next();
		memcpy(b + i, &v, 8);
	}
	hex_encode(b, 16, h, 0);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static void
digest(size_t n, char *out)
{
	uint8_t b[32];

	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = next();
		memcpy(b + i, &v, n - i < 8 ? n - i : 8);
	}
	base64_encode(b, n, out);
}

static const char *const class_names[NCLASSES] = {
	"Critical Updates", "Security Updates", "Definition Updates", "Updates",
	"Update Rollups", "Feature Packs", "Service Packs", "Drivers",
};

static FILE *
open_doc(const char *dir, const char *id, int rev)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s-r%d.xml", dir, id, rev);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return fp;
}

static void
write_category(const char *dir, const char *id, const char *kind, const char *title,
    const char *parent)
{
	FILE *fp = open_doc(dir, id, 100);

	fprintf(fp, "<upd:Update xmlns:cat=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category\" "
	    "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"100\" />"
	    "<upd:Properties DefaultPropertiesLanguage=\"en\" UpdateType=\"Category\" "
	    "Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category\" "
	    "PublicationState=\"Published\" CreationDate=\"2020-01-01T00:00:00.000Z\"></upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "<upd:Title>%s</upd:Title><upd:Description>%s</upd:Description></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>", id, title, title);
	if (parent)
		fprintf(fp, "<upd:Relationships><upd:Prerequisites><upd:AtLeastOne IsCategory=\"true\">"
		    "<upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne></upd:Prerequisites>"
		    "</upd:Relationships>", parent);
	fprintf(fp, "<upd:HandlerSpecificData xsi:type=\"cat:Category\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><cat:CategoryInformation "
	    "CategoryType=\"%s\" ProhibitsSubcategories=\"true\" /></upd:HandlerSpecificData></upd:Update>",
	    kind);
	fclose(fp);
}

static void
write_detectoid(const char *dir, const char *id, long n, const char *prev)
{
	FILE *fp = open_doc(dir, id, 100);

	fprintf(fp, "<upd:Update xmlns:bar=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\" "
	    "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"100\" />"
	    "<upd:Properties UpdateType=\"Detectoid\" DefaultPropertiesLanguage=\"en\" "
	    "PublicationState=\"Published\" CreationDate=\"2020-01-01T00:00:00.000Z\" />"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "<upd:Title>Contoso detectoid %ld</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>", id, n);
	if (prev != NULL)
		fprintf(fp, "<upd:Relationships><upd:Prerequisites><upd:UpdateIdentity UpdateID=\"%s\" />"
		    "</upd:Prerequisites></upd:Relationships>", prev);
	fprintf(fp, "<upd:ApplicabilityRules><upd:IsInstalled><bar:WindowsVersion "
	    "Comparison=\"GreaterThanOrEqualTo\" MajorVersion=\"10\" /></upd:IsInstalled>"
	    "</upd:ApplicabilityRules></upd:Update>");
	fclose(fp);
}

int
main(int argc, char **argv)
{
	char company[37], family[37], products[NPRODUCTS][37], classes[NCLASSES][37];
	char (*detectoids)[37] = NULL;
	long count, written = 0, ndet = 0, chain = 3;

	if (argc < 3 || (count = strtol(argv[2], NULL, 10)) < 1 ||
	    (argc > 4 && (ndet = strtol(argv[4], NULL, 10)) < 0) ||
	    (argc > 5 && (chain = strtol(argv[5], NULL, 10)) < 1)) {
		fprintf(stderr, "usage: gen_catalog DIR COUNT [SEED [DETECTOIDS [CHAIN]]]\n");
		return 2;
	}
	rng = argc > 3 ? strtoull(argv[3], NULL, 10) | 1 : 0x9E3779B97F4A7C15ULL;
	if (mkdir(argv[1], 0755) == -1 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	guid(company);
	write_category(argv[1], company, "Company", "Contoso", NULL);
	guid(family);
	write_category(argv[1], family, "ProductFamily", "Contoso Windows", company);
	written = 2;
	for (int i = 0; i < NPRODUCTS; i++) {
		char t[64];
		guid(products[i]);
		snprintf(t, sizeof(t), "Contoso Windows %d", 10 + i);
		write_category(argv[1], products[i], "Product", t, family);
		written++;
	}
	for (int i = 0; i < NCLASSES; i++) {
		guid(classes[i]);
		write_category(argv[1], classes[i], "UpdateClassification", class_names[i], NULL);
		written++;
	}
	if (ndet > 0) {
		detectoids = calloc((size_t)ndet, sizeof(*detectoids));
		if (detectoids == NULL)
			return 1;
		for (long i = 0; i < ndet; i++) {
			guid(detectoids[i]);
			write_detectoid(argv[1], detectoids[i], i,
			    i % chain != 0 ? detectoids[i - 1] : NULL);
			written++;
		}
	}
	for (long n = 0; written < count; n++, written++) {
		char id[37], sha1[29], sha256[45];
		int p = (int)(next() % NPRODUCTS), c = (int)(next() % NCLASSES);
		long kb = 5000000 + n;
		uint64_t size = 100000 + next() % 50000000;
		FILE *fp;

		guid(id);
		digest(20, sha1);
		digest(32, sha256);
		fp = open_doc(argv[1], id, 200);
		fprintf(fp, "<upd:Update xmlns:bar=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\" "
		    "xmlns:lar=\"http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules\" "
		    "xmlns:cmd=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" "
		    "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
		    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"200\" />"
		    "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage=\"en\" "
		    "Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" "
		    "MaxDownloadSize=\"%llu\" MinDownloadSize=\"0\" PublicationState=\"Published\" "
		    "CreationDate=\"2026-%02d-%02dT12:00:00.000Z\" MsrcSeverity=\"Important\">"
		    "<upd:InstallationBehavior RebootBehavior=\"CanRequestReboot\" />"
		    "<upd:KBArticleID>%ld</upd:KBArticleID></upd:Properties>"
		    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language>"
		    "<upd:Title>Synthetic update %ld for Contoso Windows %d (KB%ld)</upd:Title>"
		    "<upd:Description>A synthetic update generated for benchmarks.</upd:Description>"
		    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
		    "<upd:Relationships><upd:Prerequisites>"
		    "<upd:AtLeastOne IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>"
		    "<upd:AtLeastOne IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>"
		    "%s%s%s"
		    "</upd:Prerequisites></upd:Relationships>"
		    "<upd:ApplicabilityRules><upd:IsInstalled><lar:And>"
		    "<bar:RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Contoso\\Patches\" Value=\"KB%ld\" "
		    "Comparison=\"EqualTo\" Data=\"1\" /><bar:WindowsVersion Comparison=\"GreaterThanOrEqualTo\" "
		    "MajorVersion=\"10\" /></lar:And></upd:IsInstalled>"
		    "<upd:IsInstallable><bar:WindowsVersion Comparison=\"EqualTo\" MajorVersion=\"10\" "
		    "BuildNumber=\"%d\" /></upd:IsInstallable></upd:ApplicabilityRules>"
		    "<upd:Files><upd:File Digest=\"%s\" DigestAlgorithm=\"SHA1\" FileName=\"kb%ld.exe\" "
		    "Size=\"%llu\" Modified=\"2026-01-01T00:00:00Z\"><upd:AdditionalDigest Algorithm=\"SHA256\">%s"
		    "</upd:AdditionalDigest></upd:File></upd:Files>"
		    "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><cmd:InstallCommand "
		    "Program=\"kb%ld.exe\" Arguments=\"/quiet /norestart\"><cmd:ReturnCode Code=\"0\" "
		    "Result=\"Succeeded\" /></cmd:InstallCommand></upd:HandlerSpecificData></upd:Update>",
		    id, (unsigned long long)size, (int)(n % 12) + 1, (int)(n % 28) + 1, kb, n, 10 + p, kb,
		    products[p], classes[c],
		    ndet > 0 ? "<upd:UpdateIdentity UpdateID=\"" : "",
		    ndet > 0 ? detectoids[n % ndet] : "",
		    ndet > 0 ? "\" />" : "",
		    kb, 19041 + p, sha1, kb, (unsigned long long)size, sha256, kb);
		fclose(fp);
	}
	free(detectoids);
	printf("%ld documents in %s\n", written, argv[1]);
	return 0;
}
