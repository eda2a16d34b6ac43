#!/bin/sh
# demo-update.sh — make a content file and an update document that lists
# it with its real SHA-1 and SHA-256, for trying import-content and Range
# downloads without Microsoft's content.  The document is a plain
# CommandLineInstallation software update shaped like the real ones.
#   tools/demo-update.sh DIR [SIZE_BYTES]   -> DIR/demo-update.xml, DIR/demo.exe
set -eu
dir=${1:?usage: demo-update.sh DIR [SIZE_BYTES]}
size=${2:-5242880}
mkdir -p "$dir"
head -c "$size" /dev/urandom >"$dir/demo.exe"
sha1=$(openssl dgst -sha1 -binary "$dir/demo.exe" | base64)
sha256=$(openssl dgst -sha256 -binary "$dir/demo.exe" | base64)
id=$(cat /proc/sys/kernel/random/uuid)
cat >"$dir/demo-update.xml" <<XML
<upd:Update xmlns:cmd="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="$id" RevisionNumber="200" /><upd:Properties UpdateType="Software" DefaultPropertiesLanguage="en" Handler="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" MaxDownloadSize="$size" MinDownloadSize="0" PublicationState="Published" CreationDate="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"><upd:KBArticleID>9999999</upd:KBArticleID></upd:Properties><upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>Demo update (KB9999999)</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection><upd:Files><upd:File Digest="$sha1" DigestAlgorithm="SHA1" FileName="demo.exe" Size="$size" Modified="$(date -u +%Y-%m-%dT%H:%M:%SZ)"><upd:AdditionalDigest Algorithm="SHA256">$sha256</upd:AdditionalDigest></upd:File></upd:Files><upd:HandlerSpecificData xsi:type="cmd:CommandLineInstallation" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><cmd:InstallCommand Program="demo.exe" Arguments="/quiet"><cmd:ReturnCode Code="0" Result="Succeeded" /></cmd:InstallCommand></upd:HandlerSpecificData></upd:Update>
XML
hex=$(openssl dgst -sha1 -hex "$dir/demo.exe" | awk '{print toupper($NF)}')
echo "update $id, file demo.exe SHA-1 $hex"
echo "content URL path: /Content/$(echo "$hex" | cut -c39-40)/$hex.exe"
