/*
 * migrations.c — the SQLite schema as an ordered list of migrations.
 *
 * Rules (docs/STORE.md): PRAGMA user_version is the number of the last
 * migration applied; each migration runs in its own transaction together
 * with the user_version bump, so an interrupted run leaves the database
 * at the previous version and the next migrate() carries on.  Never edit
 * a migration that has shipped: add a new one.  The PostgreSQL backend
 * must keep an equivalent list with the same numbers.
 */
#include "store/sqlite/sqlite_internal.h"

/*
 * Version 1: the update catalogue, files, target groups, approvals.
 *
 * GUIDs are lower-case canonical text.  Relationship targets (prerequisites,
 * bundle members, superseded updates, categories) are stored as GUID text
 * because the target need not be imported yet.  change_seq columns take
 * values of the global 'change' counter for anchor-based server sync.
 */
static const char migration_1[] =
"PRAGMA application_id = 1465079123;\n"	/* 0x57535553 "WSUS" */

"CREATE TABLE settings (\n"
"	key	TEXT PRIMARY KEY NOT NULL,\n"
"	value	TEXT NOT NULL\n"
") STRICT;\n"

/* Named monotonic counters; 'change' orders every change for sync anchors. */
"CREATE TABLE counters (\n"
"	name	TEXT PRIMARY KEY NOT NULL,\n"
"	value	INTEGER NOT NULL\n"
") STRICT;\n"
"INSERT INTO counters(name, value) VALUES ('change', 0);\n"

/* One row per UpdateID that has at least one revision. */
"CREATE TABLE updates (\n"
"	local_id	INTEGER PRIMARY KEY,\n"
"	update_id	TEXT NOT NULL UNIQUE,\n"
"	declined	INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1)),\n"
"	latest_revision_id INTEGER REFERENCES revisions(revision_id),\n"
"	change_seq	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"

/* revision_id is the RevisionID clients see: never reused (AUTOINCREMENT). */
"CREATE TABLE revisions (\n"
"	revision_id	INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	update_local_id	INTEGER NOT NULL REFERENCES updates(local_id),\n"
"	revision_number	INTEGER NOT NULL CHECK (revision_number >= 0),\n"
"	update_type	INTEGER NOT NULL CHECK (update_type BETWEEN 0 AND 3),\n"
"	category_kind	INTEGER NOT NULL CHECK (category_kind BETWEEN 0 AND 5),\n"
"	explicitly_deployable INTEGER NOT NULL,\n"
"	is_public	INTEGER NOT NULL,\n"
"	is_beta		INTEGER NOT NULL,\n"
"	has_driver_metadata INTEGER NOT NULL,\n"
"	handler		TEXT,\n"
"	creation_date	TEXT,\n"
"	publication_state TEXT,\n"
"	msrc_severity	TEXT,\n"
"	kb_article_id	TEXT,\n"
"	security_bulletin_id TEXT,\n"
"	eula_id		TEXT,\n"
"	default_language TEXT,\n"
"	title		TEXT NOT NULL DEFAULT '',\n"	/* en, else default language, else first */
"	max_download_size INTEGER NOT NULL DEFAULT 0 CHECK (max_download_size >= 0),\n"
"	min_download_size INTEGER NOT NULL DEFAULT 0 CHECK (min_download_size >= 0),\n"
"	imported	INTEGER NOT NULL,\n"
"	change_seq	INTEGER NOT NULL,\n"
"	UNIQUE (update_local_id, revision_number)\n"
") STRICT;\n"
"CREATE INDEX revisions_kb ON revisions(kb_article_id);\n"
"CREATE INDEX revisions_created ON revisions(creation_date DESC);\n"
"CREATE INDEX revisions_change ON revisions(change_seq);\n"
"CREATE INDEX revisions_kind ON revisions(category_kind);\n"

/* Prerequisites: clauses (group_index) ANDed, ids within a clause ORed. */
"CREATE TABLE prerequisites (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	group_index	INTEGER NOT NULL,\n"
"	is_category	INTEGER NOT NULL,\n"
"	required_update_id TEXT NOT NULL,\n"
"	PRIMARY KEY (revision_id, group_index, required_update_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX prerequisites_required ON prerequisites(required_update_id);\n"

/* Derived: the update_ids of IsCategory clauses = the categories of a revision. */
"CREATE TABLE revision_categories (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	category_update_id TEXT NOT NULL,\n"
"	PRIMARY KEY (revision_id, category_update_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX revision_categories_category ON revision_categories(category_update_id, revision_id);\n"

/* Bundled updates: one group per member, alternatives inside a group. */
"CREATE TABLE bundled (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	group_index	INTEGER NOT NULL,\n"
"	member_update_id TEXT NOT NULL,\n"
"	member_revision	INTEGER,\n"	/* NULL when not given */
"	PRIMARY KEY (revision_id, group_index, member_update_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX bundled_member ON bundled(member_update_id);\n"

"CREATE TABLE superseded (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	update_id	TEXT NOT NULL,\n"
"	PRIMARY KEY (revision_id, update_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX superseded_update ON superseded(update_id);\n"

/* Content files by SHA-1 (the content directory's key). */
"CREATE TABLE files (\n"
"	sha1	BLOB PRIMARY KEY NOT NULL CHECK (length(sha1) = 20),\n"
"	sha256	BLOB CHECK (sha256 IS NULL OR length(sha256) = 32),\n"
"	size	INTEGER NOT NULL CHECK (size >= 0),\n"
"	present	INTEGER NOT NULL DEFAULT 0 CHECK (present IN (0, 1))\n"
") STRICT;\n"

"CREATE TABLE revision_files (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	sha1		BLOB NOT NULL REFERENCES files(sha1),\n"
"	file_name	TEXT NOT NULL,\n"
"	modified	TEXT,\n"
"	patching_type	TEXT,\n"
"	PRIMARY KEY (revision_id, sha1)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX revision_files_sha1 ON revision_files(sha1);\n"

"CREATE TABLE localized (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	language	TEXT NOT NULL,\n"	/* lower case */
"	title		TEXT,\n"
"	description	TEXT,\n"
"	PRIMARY KEY (revision_id, language)\n"
") STRICT;\n"

/* kind: 0 core, 1 extended, 2 localized (language set), 3 whole document. */
"CREATE TABLE fragments (\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id) ON DELETE CASCADE,\n"
"	kind		INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),\n"
"	language	TEXT NOT NULL DEFAULT '',\n"
"	data		BLOB NOT NULL,\n"	/* zlib stream (compress2 format) */
"	length		INTEGER NOT NULL CHECK (length >= 0),\n"	/* uncompressed bytes */
"	PRIMARY KEY (revision_id, kind, language)\n"
") STRICT;\n"

/* Computer target groups; names unique ignoring (ASCII) case. */
"CREATE TABLE target_groups (\n"
"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	guid		TEXT NOT NULL UNIQUE,\n"
"	name		TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
"	parent_id	INTEGER REFERENCES target_groups(id),\n"
"	builtin		INTEGER NOT NULL DEFAULT 0,\n"
"	change_seq	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE INDEX target_groups_parent ON target_groups(parent_id);\n"
"INSERT INTO target_groups(id, guid, name, parent_id, builtin) VALUES\n"
"	(1, 'a0a08746-4dbe-4a37-9adf-9e7652c0b421', 'All Computers', NULL, 1),\n"
"	(2, 'b73ca6ed-5727-47f3-84de-015e03f6a88a', 'Unassigned Computers', 1, 1);\n"

/* Approvals: one per (update, group); deployment_id is the client-visible ID. */
"CREATE TABLE deployments (\n"
"	deployment_id	INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	deployment_guid	TEXT NOT NULL UNIQUE,\n"
"	update_local_id	INTEGER NOT NULL REFERENCES updates(local_id),\n"
"	revision_id	INTEGER NOT NULL REFERENCES revisions(revision_id),\n"
"	group_id	INTEGER NOT NULL REFERENCES target_groups(id),\n"
"	action		INTEGER NOT NULL CHECK (action BETWEEN 0 AND 2),\n"
"	deadline	INTEGER NOT NULL DEFAULT 0,\n"
"	created		INTEGER NOT NULL,\n"
"	last_change	INTEGER NOT NULL,\n"
"	admin		TEXT NOT NULL DEFAULT '',\n"
"	change_seq	INTEGER NOT NULL,\n"
"	UNIQUE (update_local_id, group_id)\n"
") STRICT;\n"
"CREATE INDEX deployments_group ON deployments(group_id);\n"
"CREATE INDEX deployments_change ON deployments(change_seq);\n"

/* Deleted deployments, for DeadDeployments between two sync anchors. */
"CREATE TABLE deployment_tombstones (\n"
"	deployment_id	INTEGER NOT NULL,\n"
"	deployment_guid	TEXT NOT NULL,\n"
"	update_id	TEXT NOT NULL,\n"
"	group_guid	TEXT NOT NULL,\n"
"	deleted		INTEGER NOT NULL,\n"
"	change_seq	INTEGER NOT NULL\n"
") STRICT;\n"
"CREATE INDEX deployment_tombstones_change ON deployment_tombstones(change_seq);\n";

/*
 * Version 2: computers, group membership, duplicate identities, reporting
 * events and per-computer per-update states (docs/REPORTING.md).
 *
 * computer_groups.source: 0 = assigned by the administrator (server-side
 * targeting), 1 = claimed by the client (client-side targeting); the
 * targeting_mode setting picks which counts, no row of that kind means
 * Unassigned Computers.  Deleting a target group moves its members to the
 * parent (the trigger), or to Unassigned when the parent is All Computers.
 * update_status.state is enum update_state (2..6 stored; unknown and not
 * applicable follow from the absence of a row); inv_mark is non-zero for
 * states that came from a status inventory (event 156).
 */
static const char migration_2[] =
"CREATE TABLE computers (\n"
"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	client_id	TEXT NOT NULL UNIQUE,\n"	/* SusClientId */
"	dns_name	TEXT NOT NULL DEFAULT '',\n"
"	ip_address	TEXT,\n"
"	os_major	INTEGER NOT NULL DEFAULT 0,\n"
"	os_minor	INTEGER NOT NULL DEFAULT 0,\n"
"	os_build	INTEGER NOT NULL DEFAULT 0,\n"
"	sp_major	INTEGER NOT NULL DEFAULT 0,\n"
"	sp_minor	INTEGER NOT NULL DEFAULT 0,\n"
"	os_locale	TEXT,\n"
"	os_description	TEXT,\n"
"	manufacturer	TEXT,\n"
"	model		TEXT,\n"
"	bios_name	TEXT,\n"
"	bios_version	TEXT,\n"
"	bios_release_date INTEGER NOT NULL DEFAULT 0,\n"
"	processor_arch	TEXT,\n"
"	suite_mask	INTEGER NOT NULL DEFAULT 0,\n"
"	old_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	new_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	system_metrics	INTEGER NOT NULL DEFAULT 0,\n"
"	client_version	TEXT,\n"
"	oem		TEXT,\n"
"	device_type	TEXT,\n"
"	firmware_version TEXT,\n"
"	mobile_operator	TEXT,\n"
"	target_claim	TEXT,\n"	/* targetGroupName as last sent */
"	created		INTEGER NOT NULL,\n"
"	registered	INTEGER NOT NULL DEFAULT 0,\n"
"	last_contact	INTEGER NOT NULL DEFAULT 0,\n"
"	last_sync	INTEGER NOT NULL DEFAULT 0,\n"
"	last_report	INTEGER NOT NULL DEFAULT 0,\n"
"	last_status	INTEGER NOT NULL DEFAULT 0,\n"
"	status_seq	INTEGER NOT NULL DEFAULT 0,\n"
"	duplicate_count	INTEGER NOT NULL DEFAULT 0,\n"
"	duplicate_seen	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE INDEX computers_dns ON computers(dns_name COLLATE NOCASE);\n"
"CREATE INDEX computers_duplicate ON computers(duplicate_count) WHERE duplicate_count > 0;\n"

"CREATE TABLE computer_groups (\n"
"	computer_id	INTEGER NOT NULL REFERENCES computers(id) ON DELETE CASCADE,\n"
"	source		INTEGER NOT NULL CHECK (source IN (0, 1)),\n"
"	group_id	INTEGER NOT NULL REFERENCES target_groups(id),\n"
"	PRIMARY KEY (computer_id, source, group_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX computer_groups_group ON computer_groups(group_id, source, computer_id);\n"
"CREATE TRIGGER target_groups_members_up BEFORE DELETE ON target_groups\n"
"BEGIN\n"
"	INSERT OR IGNORE INTO computer_groups(computer_id, source, group_id)\n"
"	    SELECT computer_id, source, OLD.parent_id FROM computer_groups\n"
"	    WHERE group_id = OLD.id AND OLD.parent_id IS NOT NULL AND OLD.parent_id <> 1;\n"
"	DELETE FROM computer_groups WHERE group_id = OLD.id;\n"
"END;\n"

/* Identities a SusClientId was seen with, for cloned-image detection. */
"CREATE TABLE computer_identities (\n"
"	computer_id	INTEGER NOT NULL REFERENCES computers(id) ON DELETE CASCADE,\n"
"	fingerprint	TEXT NOT NULL,\n"
"	dns_name	TEXT NOT NULL,\n"
"	manufacturer	TEXT,\n"
"	model		TEXT,\n"
"	bios		TEXT,\n"
"	first_seen	INTEGER NOT NULL,\n"
"	last_seen	INTEGER NOT NULL,\n"
"	times		INTEGER NOT NULL DEFAULT 1,\n"
"	seen_seq	INTEGER NOT NULL DEFAULT 0,\n"	/* order of last use */
"	PRIMARY KEY (computer_id, fingerprint)\n"
") STRICT, WITHOUT ROWID;\n"

"CREATE TABLE events (\n"
"	id		INTEGER PRIMARY KEY,\n"
"	computer_id	INTEGER NOT NULL REFERENCES computers(id) ON DELETE CASCADE,\n"
"	instance_id	TEXT NOT NULL,\n"
"	event_id	INTEGER NOT NULL,\n"
"	namespace_id	INTEGER NOT NULL,\n"
"	source_id	INTEGER NOT NULL,\n"
"	time_at_target	INTEGER NOT NULL,\n"
"	received	INTEGER NOT NULL,\n"
"	update_id	TEXT,\n"
"	revision	INTEGER NOT NULL DEFAULT 0,\n"
"	hresult		INTEGER NOT NULL DEFAULT 0,\n"
"	app_name	TEXT,\n"
"	replacement	TEXT,\n"
"	misc		TEXT,\n"
"	UNIQUE (computer_id, instance_id)\n"
") STRICT;\n"
"CREATE INDEX events_computer ON events(computer_id, received, id);\n"
"CREATE INDEX events_received ON events(received);\n"

"CREATE TABLE update_status (\n"
"	computer_id	INTEGER NOT NULL REFERENCES computers(id) ON DELETE CASCADE,\n"
"	update_local_id	INTEGER NOT NULL REFERENCES updates(local_id),\n"
"	state		INTEGER NOT NULL CHECK (state BETWEEN 1 AND 6),\n"
"	revision	INTEGER NOT NULL DEFAULT -1,\n"
"	changed		INTEGER NOT NULL,\n"	/* TimeAtTarget of the change */
"	reported	INTEGER NOT NULL,\n"	/* when the server got it */
"	event_id	INTEGER NOT NULL DEFAULT 0,\n"
"	hresult		INTEGER NOT NULL DEFAULT 0,\n"
"	inv_mark	INTEGER NOT NULL DEFAULT 0,\n"
"	PRIMARY KEY (computer_id, update_local_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX update_status_update ON update_status(update_local_id, state);\n";

/*
 * Version 3: downstream servers and what they roll up (docs/ROLLUP.md).
 *
 * downstream_servers: every downstream seen, directly (server-sync calls)
 * or through rollups of its ancestors; parent NULL = a direct child of
 * this server.  mode -1 unknown, 0 autonomous, 1 replica.  summary: the
 * 18 ServerSummary ints, comma-separated (NULL until rolled up).
 * rollup_computers: computers of the downstream sites, each owned by one
 * server (site); kept apart from this server's own computers.
 * rollup_status: their per-update SummarizationState (update ids as text:
 * the update need not be in this store).
 */
static const char migration_3[] =
"CREATE TABLE downstream_servers (\n"
"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	server_id	TEXT NOT NULL UNIQUE,\n"
"	parent_id	INTEGER REFERENCES downstream_servers(id) ON DELETE CASCADE,\n"
"	name		TEXT NOT NULL DEFAULT '',\n"
"	version		TEXT NOT NULL DEFAULT '',\n"
"	protocol	TEXT NOT NULL DEFAULT '',\n"
"	address		TEXT NOT NULL DEFAULT '',\n"
"	mode		INTEGER NOT NULL DEFAULT -1 CHECK (mode BETWEEN -1 AND 1),\n"
"	first_seen	INTEGER NOT NULL,\n"
"	last_contact	INTEGER NOT NULL DEFAULT 0,\n"
"	last_sync	INTEGER NOT NULL DEFAULT 0,\n"
"	last_rollup	INTEGER NOT NULL DEFAULT 0,\n"	/* LastRollupTime sent */
"	rollup_received	INTEGER NOT NULL DEFAULT 0,\n"	/* when we got it */
"	summary		TEXT,\n"
"	client_summaries INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE INDEX downstream_servers_parent ON downstream_servers(parent_id);\n"

"CREATE TABLE downstream_clients (\n"
"	server_id	INTEGER NOT NULL REFERENCES downstream_servers(id) ON DELETE CASCADE,\n"
"	os_major	INTEGER NOT NULL, os_minor INTEGER NOT NULL,\n"
"	os_build	INTEGER NOT NULL, sp_major INTEGER NOT NULL,\n"
"	sp_minor	INTEGER NOT NULL,\n"
"	os_locale	TEXT NOT NULL DEFAULT '',\n"
"	processor_arch	TEXT NOT NULL DEFAULT '',\n"
"	suite_mask	INTEGER NOT NULL DEFAULT 0,\n"
"	old_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	new_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	system_metrics	INTEGER NOT NULL DEFAULT 0,\n"
"	count		INTEGER NOT NULL\n"
") STRICT;\n"
"CREATE INDEX downstream_clients_server ON downstream_clients(server_id);\n"

"CREATE TABLE downstream_activity (\n"
"	server_id	INTEGER NOT NULL REFERENCES downstream_servers(id) ON DELETE CASCADE,\n"
"	update_id	TEXT NOT NULL,\n"
"	revision	INTEGER NOT NULL,\n"
"	success		INTEGER NOT NULL DEFAULT 0,\n"
"	failure		INTEGER NOT NULL DEFAULT 0,\n"
"	PRIMARY KEY (server_id, update_id, revision)\n"
") STRICT, WITHOUT ROWID;\n"

"CREATE TABLE rollup_computers (\n"
"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"	computer_id	TEXT NOT NULL UNIQUE,\n"
"	site		INTEGER NOT NULL REFERENCES downstream_servers(id) ON DELETE CASCADE,\n"
"	last_sync	INTEGER NOT NULL DEFAULT 0,\n"
"	last_sync_result INTEGER NOT NULL DEFAULT 0,\n"
"	last_reboot	INTEGER NOT NULL DEFAULT 0,\n"
"	last_status	INTEGER NOT NULL DEFAULT 0,\n"
"	last_inventory	INTEGER NOT NULL DEFAULT 0,\n"
"	has_details	INTEGER NOT NULL DEFAULT 0,\n"
"	ip_address	TEXT NOT NULL DEFAULT '',\n"
"	dns_name	TEXT NOT NULL DEFAULT '',\n"
"	os_major	INTEGER NOT NULL DEFAULT 0,\n"
"	os_minor	INTEGER NOT NULL DEFAULT 0,\n"
"	os_build	INTEGER NOT NULL DEFAULT 0,\n"
"	sp_major	INTEGER NOT NULL DEFAULT 0,\n"
"	sp_minor	INTEGER NOT NULL DEFAULT 0,\n"
"	os_locale	TEXT NOT NULL DEFAULT '',\n"
"	os_family	TEXT NOT NULL DEFAULT '',\n"
"	os_description	TEXT NOT NULL DEFAULT '',\n"
"	make		TEXT NOT NULL DEFAULT '',\n"
"	model		TEXT NOT NULL DEFAULT '',\n"
"	bios_version	TEXT NOT NULL DEFAULT '',\n"
"	bios_name	TEXT NOT NULL DEFAULT '',\n"
"	bios_release_date INTEGER NOT NULL DEFAULT 0,\n"
"	processor_arch	TEXT NOT NULL DEFAULT '',\n"
"	suite_mask	INTEGER NOT NULL DEFAULT 0,\n"
"	old_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	new_product_type INTEGER NOT NULL DEFAULT 0,\n"
"	system_metrics	INTEGER NOT NULL DEFAULT 0,\n"
"	client_version	TEXT NOT NULL DEFAULT '',\n"
"	groups		TEXT NOT NULL DEFAULT '',\n"
"	rollup_number	INTEGER NOT NULL DEFAULT 0,\n"
"	detection_time	INTEGER NOT NULL DEFAULT 0,\n"
"	received	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE INDEX rollup_computers_site ON rollup_computers(site);\n"

"CREATE TABLE rollup_status (\n"
"	computer	INTEGER NOT NULL REFERENCES rollup_computers(id) ON DELETE CASCADE,\n"
"	update_id	TEXT NOT NULL,\n"
"	state		INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),\n"
"	last_change	INTEGER NOT NULL,\n"
"	PRIMARY KEY (computer, update_id)\n"
") STRICT, WITHOUT ROWID;\n"
"CREATE INDEX rollup_status_update ON rollup_status(update_id, state);\n";

/*
 * Migration 4: the downstream's sync state in tables of its own
 * (store/sync_state.h) instead of sync_* settings, so a replica's
 * deployments are rows without the 1 MiB cap of a setting.  The plain
 * values move here; the deployment lines are parsed, and every old key
 * deleted, by sq_sync_state_migrate() (sync_state.c) in the same
 * transaction.  "" counted as unset in the settings; it is NULL here.
 */
static const char migration_4[] =
"CREATE TABLE sync_state (\n"
"	id		INTEGER PRIMARY KEY CHECK (id = 1),\n"
"	upstream	TEXT,\n"
"	account		TEXT,\n"
"	config_anchor	TEXT,\n"
"	category_anchor	TEXT,\n"
"	update_anchor	TEXT,\n"
"	deployment_anchor TEXT,\n"
"	filter		TEXT,\n"
"	rollup_number	INTEGER NOT NULL DEFAULT 0,\n"
"	rollup_reset	TEXT,\n"
"	last_success	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE TABLE sync_deployments (\n"
"	seq		INTEGER PRIMARY KEY,\n"
"	deployment	TEXT NOT NULL UNIQUE,\n"
"	update_id	TEXT NOT NULL,\n"
"	group_guid	TEXT NOT NULL\n"
") STRICT;\n"
"INSERT INTO sync_state(id, upstream, account, config_anchor,\n"
"    category_anchor, update_anchor, deployment_anchor, filter,\n"
"    rollup_number, rollup_reset, last_success)\n"
"SELECT 1,\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_upstream'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_account_guid'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_config_anchor'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_category_anchor'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_update_anchor'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_deployment_anchor'),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_filter'),\n"
"  COALESCE((SELECT CAST(value AS INTEGER) FROM settings\n"
"      WHERE key = 'sync_rollup_number' AND value GLOB '[0-9]*'), 0),\n"
"  (SELECT NULLIF(value, '') FROM settings WHERE key = 'sync_rollup_reset'),\n"
"  COALESCE((SELECT CAST(value AS INTEGER) FROM settings\n"
"      WHERE key = 'sync_last' AND value GLOB '[0-9]*'), 0);\n";

/*
 * Version 5: sync_state.replica_of — the upstream URL this server is a
 * replica of (set with the deployments of each replica sync, cleared by
 * an autonomous one; NULL: not a replica).  wsusctl refuses local
 * approval, decline and group changes while it is set.
 * accepted_eulas: the EULAs a replica's upstream lists as accepted
 * (GetDeployments AcceptedEulas, a full list each time).
 */
static const char migration_5[] =
"ALTER TABLE sync_state ADD COLUMN replica_of TEXT;\n"
"CREATE TABLE accepted_eulas (\n"
"	eula_id		TEXT PRIMARY KEY\n"
") STRICT;\n";

/*
 * Version 6: the sync service (store/sync_service.h): the configured
 * update source and schedule (one row), the history of sync runs with
 * the live phase of the running one, and wsusctl's requests to wsusd.
 */
static const char migration_6[] =
"CREATE TABLE sync_config (\n"
"	id		INTEGER PRIMARY KEY CHECK (id = 1),\n"
"	upstream	TEXT,\n"
"	replica		INTEGER NOT NULL DEFAULT 0,\n"
"	products	TEXT,\n"
"	classifications	TEXT,\n"
"	languages	TEXT,\n"
"	content		INTEGER NOT NULL DEFAULT 0 CHECK (content BETWEEN 0 AND 3),\n"
"	express		INTEGER NOT NULL DEFAULT 0,\n"
"	proxy		TEXT,\n"
"	proxy_user	TEXT,\n"
"	proxy_password	TEXT,\n"
"	cacert		TEXT,\n"
"	tls_min		TEXT,\n"
"	protocol	TEXT,\n"
"	name		TEXT,\n"
"	per_day		INTEGER NOT NULL DEFAULT 0 CHECK (per_day BETWEEN 0 AND 24),\n"
"	first		INTEGER NOT NULL DEFAULT 0 CHECK (first BETWEEN 0 AND 1439),\n"
"	jitter		INTEGER NOT NULL DEFAULT 0 CHECK (jitter BETWEEN 0 AND 1440),\n"
"	next_run	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"INSERT INTO sync_config(id) VALUES (1);\n"
"CREATE TABLE sync_history (\n"
"	id		INTEGER PRIMARY KEY,\n"
"	request		INTEGER NOT NULL DEFAULT 0,\n"
"	start		INTEGER NOT NULL,\n"
"	end		INTEGER NOT NULL DEFAULT 0,\n"
"	result		INTEGER NOT NULL DEFAULT 0 CHECK (result BETWEEN 0 AND 3),\n"
"	trigger		INTEGER NOT NULL CHECK (trigger BETWEEN 0 AND 1),\n"
"	phase		TEXT,\n"
"	done		INTEGER NOT NULL DEFAULT 0,\n"
"	total		INTEGER NOT NULL DEFAULT 0,\n"
"	new_updates	INTEGER NOT NULL DEFAULT 0,\n"
"	revised		INTEGER NOT NULL DEFAULT 0,\n"
"	expired		INTEGER NOT NULL DEFAULT 0,\n"
"	files		INTEGER NOT NULL DEFAULT 0,\n"
"	bytes		INTEGER NOT NULL DEFAULT 0,\n"
"	error		TEXT\n"
") STRICT;\n"
"CREATE TABLE sync_requests (\n"
"	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- never reused\n"
"	kind		INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 2),\n"
"	at		INTEGER NOT NULL\n"
") STRICT;\n";

/*
 * Version 7: credentials bound to downstream servers (store/rollup.h
 * struct store_downstream_auth; docs/SECURITY.md): the SHA-256 fingerprint
 * of a client certificate (bound to one downstream at most) and the hash
 * of a secret, keyed by the downstream's GUID.
 */
static const char migration_7[] =
"CREATE TABLE downstream_auth (\n"
"	server_id	TEXT PRIMARY KEY,\n"
"	cert_sha256	TEXT UNIQUE CHECK (cert_sha256 IS NULL OR length(cert_sha256) = 64),\n"
"	secret_hash	TEXT,\n"
"	updated		INTEGER NOT NULL\n"
") STRICT;\n";

/*
 * Migration 8: the sync engine's rollup schedule and rollup runs
 * (store/sync_service.h): how often a rollup runs on its own besides
 * the one after each sync, when the next is due, one row per rollup;
 * the update states last rolled up per local computer (incremental
 * status rollup: only what changed since is sent); and whether a sync
 * run had to start over with full lists (ServerChanged).
 */
static const char migration_8[] =
"ALTER TABLE sync_history ADD COLUMN full_resync INTEGER NOT NULL DEFAULT 0;\n"
"CREATE TABLE rollup_schedule (\n"
"	id		INTEGER PRIMARY KEY CHECK (id = 1),\n"
"	every		INTEGER NOT NULL DEFAULT 240 CHECK (every BETWEEN 0 AND 10080),\n"
"	next_rollup	INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"INSERT INTO rollup_schedule(id) VALUES (1);\n"
"CREATE TABLE rollup_runs (\n"
"	id		INTEGER PRIMARY KEY,\n"
"	start		INTEGER NOT NULL,\n"
"	end		INTEGER NOT NULL,\n"
"	result		INTEGER NOT NULL CHECK (result BETWEEN 1 AND 2),\n"
"	trigger		INTEGER NOT NULL CHECK (trigger BETWEEN 0 AND 1),\n"
"	servers		INTEGER NOT NULL DEFAULT 0,\n"
"	computers	INTEGER NOT NULL DEFAULT 0,\n"
"	error		TEXT\n"
") STRICT;\n"
"CREATE TABLE rollup_sent (\n"
"	client_id	TEXT NOT NULL,\n"
"	update_id	TEXT NOT NULL,\n"
"	state		INTEGER NOT NULL,\n"
"	changed		INTEGER NOT NULL,\n"
"	PRIMARY KEY (client_id, update_id)\n"
") STRICT, WITHOUT ROWID;\n";

/*
 * Version 9: content origin and requests, update languages (docs/SYNC.md
 * "Content").  revisions.languages: the Properties/Language values of the
 * document, space-separated (NULL: none, language-neutral).
 * files.origin_url: the file's original URL, the MUUrl the upstream's
 * GetUpdateData sent for it (NULL: none known).  content_requests: files
 * a downstream asked for with DownloadFiles that this server lacks; its
 * content step fetches them from its own upstream and deletes the row.
 */
static const char migration_9[] =
"ALTER TABLE files ADD COLUMN origin_url TEXT;\n"
"ALTER TABLE revisions ADD COLUMN languages TEXT;\n"
"CREATE TABLE content_requests (\n"
"	sha1	BLOB PRIMARY KEY NOT NULL\n"
"		REFERENCES files(sha1) ON DELETE CASCADE,\n"
"	at	INTEGER NOT NULL\n"
") STRICT, WITHOUT ROWID;\n";

/*
 * Version 10: a third trigger of sync runs, "downloadfiles" (2): the
 * content-only run a downstream's DownloadFiles starts (docs/SYNC.md);
 * and a run's note (express files the upstream does not host,
 * Retry-After waits).  The CHECK of sync_history.trigger and of
 * rollup_runs.trigger is part of the table, which SQLite cannot alter:
 * each table is built again under its name with every row kept, in
 * this migration's transaction.
 */
static const char migration_10[] =
"CREATE TABLE sync_history_10 (\n"
"	id		INTEGER PRIMARY KEY,\n"
"	request		INTEGER NOT NULL DEFAULT 0,\n"
"	start		INTEGER NOT NULL,\n"
"	end		INTEGER NOT NULL DEFAULT 0,\n"
"	result		INTEGER NOT NULL DEFAULT 0 CHECK (result BETWEEN 0 AND 3),\n"
"	trigger		INTEGER NOT NULL CHECK (trigger BETWEEN 0 AND 2),\n"
"	phase		TEXT,\n"
"	done		INTEGER NOT NULL DEFAULT 0,\n"
"	total		INTEGER NOT NULL DEFAULT 0,\n"
"	new_updates	INTEGER NOT NULL DEFAULT 0,\n"
"	revised		INTEGER NOT NULL DEFAULT 0,\n"
"	expired		INTEGER NOT NULL DEFAULT 0,\n"
"	files		INTEGER NOT NULL DEFAULT 0,\n"
"	bytes		INTEGER NOT NULL DEFAULT 0,\n"
"	error		TEXT,\n"
"	full_resync	INTEGER NOT NULL DEFAULT 0,\n"
"	note		TEXT\n"
") STRICT;\n"
"INSERT INTO sync_history_10(id, request, start, end, result, trigger, "
"phase, done, total, new_updates, revised, expired, files, bytes, error, "
"full_resync) SELECT id, request, start, end, result, trigger, phase, "
"done, total, new_updates, revised, expired, files, bytes, error, "
"full_resync FROM sync_history;\n"
"DROP TABLE sync_history;\n"
"ALTER TABLE sync_history_10 RENAME TO sync_history;\n"
"CREATE TABLE rollup_runs_10 (\n"
"	id		INTEGER PRIMARY KEY,\n"
"	start		INTEGER NOT NULL,\n"
"	end		INTEGER NOT NULL,\n"
"	result		INTEGER NOT NULL CHECK (result BETWEEN 1 AND 2),\n"
"	trigger		INTEGER NOT NULL CHECK (trigger BETWEEN 0 AND 2),\n"
"	servers		INTEGER NOT NULL DEFAULT 0,\n"
"	computers	INTEGER NOT NULL DEFAULT 0,\n"
"	error		TEXT\n"
") STRICT;\n"
"INSERT INTO rollup_runs_10 SELECT id, start, end, result, trigger, "
"servers, computers, error FROM rollup_runs;\n"
"DROP TABLE rollup_runs;\n"
"ALTER TABLE rollup_runs_10 RENAME TO rollup_runs;\n";

const struct sq_migration sq_migrations[] = {
	{ 1, "catalogue, files, groups, approvals", migration_1, NULL },
	{ 2, "computers, events, update status", migration_2, NULL },
	{ 3, "downstream servers, rollup", migration_3, NULL },
	{ 4, "sync state tables", migration_4, sq_sync_state_migrate },
	{ 5, "replica flag, accepted EULAs", migration_5, NULL },
	{ 6, "sync service tables", migration_6, NULL },
	{ 7, "downstream credentials", migration_7, NULL },
	{ 8, "rollup schedule and runs, full resync", migration_8, NULL },
	{ 9, "content origin URLs and requests, update languages", migration_9,
	    NULL },
	{ 10, "downloadfiles sync trigger, run notes", migration_10, NULL },
};
const int sq_migrations_count =
    (int)(sizeof(sq_migrations) / sizeof(sq_migrations[0]));
