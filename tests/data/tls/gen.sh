#!/bin/sh
# Regenerates the committed test PKI in this folder. TEST-ONLY material: every private key here
# is public. Needs OpenSSL 3.0 or newer; uses only flags that 3.0 has (`openssl ca` with
# -startdate/-enddate gives explicit dates, which `x509 -req` only learned in 3.4).
#
# Keys are EC P-256 (fast, and accepted by native-tls on every backend), written as PKCS#8 PEM
# because native-tls `Identity::from_pkcs8` wants "BEGIN PRIVATE KEY".
#
# Usage: sh gen.sh   (run from anywhere; writes next to itself)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

newkey() { # $1 = output file
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# A minimal `openssl ca` setup; each CA gets its own database directory.
# $1 = dir, $2 = CA cert, $3 = CA key
ca_conf() {
    mkdir -p "$1/new"
    : > "$1/index.txt"
    echo 1000 > "$1/serial"
    cat > "$1/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir           = $1
database      = $1/index.txt
new_certs_dir = $1/new
serial        = $1/serial
certificate   = $2
private_key   = $3
default_md    = sha256
policy        = any
unique_subject = no
copy_extensions = none
[ any ]
# Field order here is the order in the issued DN.
organizationName       = optional
commonName             = supplied
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = \$ENV::SAN
[ v3_client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_self ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyCertSign
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
subjectAltName         = \$ENV::SAN
EOF
}

# $1 = CA dir, $2 = subject, $3 = extension section, $4 = start, $5 = end, $6 = out name;
# the key goes to $6.key, the certificate to $6.pem.
issue() {
    newkey "$6.key"
    openssl req -new -key "$6.key" -subj "$2" -out "$6.csr"
    openssl ca -batch -notext -config "$1/ca.cnf" -extensions "$3" \
        -startdate "$4" -enddate "$5" -in "$6.csr" -out "$6.pem" 2>/dev/null
}

# The test CA: 30 years, self-signed through `openssl ca -selfsign` for explicit dates.
newkey ca.key
ca_conf "$work/ca" "$work/ca.pem" "$work/ca.key"
openssl req -new -key ca.key -subj "/O=smtpx/CN=smtpx test CA" -out ca.csr
SAN=DNS:unused openssl ca -batch -notext -selfsign -config ca/ca.cnf -keyfile ca.key \
    -extensions v3_ca -startdate 20200101000000Z -enddate 20500101000000Z \
    -in ca.csr -out ca.pem 2>/dev/null

SAN="DNS:localhost,DNS:mail.smtpx.test,IP:127.0.0.1,IP:::1" \
    issue ca "/CN=localhost" v3_server 20250101000000Z 20500101000000Z server
SAN="DNS:localhost,IP:127.0.0.1" \
    issue ca "/CN=localhost" v3_server 20200101000000Z 20210101000000Z expired
SAN="DNS:other.example" \
    issue ca "/CN=other.example" v3_server 20250101000000Z 20500101000000Z wrong-name
SAN=DNS:unused issue ca "/CN=alice" v3_client 20250101000000Z 20500101000000Z client

# A self-signed leaf for localhost (no CA behind it).
newkey self-signed.key
openssl req -new -key self-signed.key -subj "/CN=localhost" -out self-signed.csr
ca_conf "$work/self" "$work/self-signed.pem" "$work/self-signed.key"
SAN="DNS:localhost,IP:127.0.0.1" openssl ca -batch -notext -selfsign -config self/ca.cnf \
    -keyfile self-signed.key -extensions v3_self \
    -startdate 20250101000000Z -enddate 20500101000000Z \
    -in self-signed.csr -out self-signed.pem 2>/dev/null

# Another CA nobody trusts, and its leaf for localhost. Its key is not kept.
newkey untrusted-ca.key
ca_conf "$work/uca" "$work/untrusted-ca.pem" "$work/untrusted-ca.key"
openssl req -new -key untrusted-ca.key -subj "/O=Elsewhere/CN=untrusted test CA" \
    -out untrusted-ca.csr
SAN=DNS:unused openssl ca -batch -notext -selfsign -config uca/ca.cnf \
    -keyfile untrusted-ca.key -extensions v3_ca \
    -startdate 20200101000000Z -enddate 20500101000000Z \
    -in untrusted-ca.csr -out untrusted-ca.pem 2>/dev/null
SAN="DNS:localhost,IP:127.0.0.1" \
    issue uca "/CN=localhost" v3_server 20250101000000Z 20500101000000Z untrusted

for name in ca server expired wrong-name client self-signed untrusted; do
    cp "$name.pem" "$name.key" "$here/"
done
cp untrusted-ca.pem "$here/"
# Known answer for the tls-server-end-point test (RFC 5929 §4.1; ecdsa-with-SHA256 -> SHA-256).
openssl x509 -in server.pem -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1 \
    > "$here/server.end-point.sha256"
chmod 644 "$here"/*.pem "$here"/*.key
echo "wrote test PKI to $here"
