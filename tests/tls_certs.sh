#!/bin/sh
# Makes the test PKI in DIR with openssl (keys are never committed):
#   ca.crt/key          root CA          int.crt/key   intermediate (by ca)
#   leaf.crt/key        localhost + 127.0.0.1, by int; chain.crt = leaf + int
#   other.crt/key       other.test, by ca (SNI)
#   self.crt/key        self-signed localhost
#   expired.crt/key     localhost by ca, valid 2020-01-01..2020-01-02
#   ca2.crt, rogue.crt/key, rogue_chain.crt   a root nobody trusts, its leaf
#   rsa.crt/key         RSA 2048 localhost by ca (the RSA benches)
#   client.crt/key      a client certificate by ca
set -eu
d=$1
mkdir -p "$d"
cd "$d"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
cat > ext.cnf <<'X'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
[other]
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
subjectAltName=DNS:other.test
[client]
basicConstraints=CA:FALSE
extendedKeyUsage=clientAuth
X
# issue NAME SUBJECT ISSUER SECTION [extra x509 args]
issue() {
    n=$1 subj=$2 iss=$3 sec=$4
    shift 4
    openssl req -new -key "$n.key" -subj "$subj" -out "$n.csr" 2>/dev/null
    openssl x509 -req -in "$n.csr" -CA "$iss.crt" -CAkey "$iss.key" -CAcreateserial \
        -days 30 -extfile ext.cnf -extensions "$sec" -out "$n.crt" "$@" 2>/dev/null
}
key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=asyncrt test root" -days 30 \
    -extensions ca -config ext.cnf -out ca.crt 2>/dev/null || \
openssl req -x509 -new -key ca.key -subj "/CN=asyncrt test root" -days 30 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out ca.crt
key int.key;   issue int "/CN=asyncrt test intermediate" ca ca
key leaf.key;  issue leaf "/CN=localhost/O=asyncrt" int leaf
cat leaf.crt int.crt > chain.crt
key other.key; issue other "/CN=other.test" ca other
key client.key; issue client "/CN=test client" ca client
openssl genrsa -out rsa.key 2048 2>/dev/null
issue rsa "/CN=localhost" ca leaf
key self.key
openssl req -x509 -new -key self.key -subj "/CN=localhost" -days 30 \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -out self.crt 2>/dev/null
key ca2.key
openssl req -x509 -new -key ca2.key -subj "/CN=rogue root" -days 30 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out ca2.crt 2>/dev/null
key rogue.key; issue rogue "/CN=localhost" ca2 leaf
cat rogue.crt ca2.crt > rogue_chain.crt
# expired: openssl ca sets the dates explicitly
key expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr 2>/dev/null
mkdir -p cadb && : > cadb/index.txt && echo 1000 > cadb/serial
cat > ca.cnf <<X
[ca]
default_ca=d
[d]
database=cadb/index.txt
serial=cadb/serial
new_certs_dir=cadb
default_md=sha256
policy=p
copy_extensions=none
unique_subject=no
[p]
commonName=supplied
[leaf]
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
X
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr \
    -startdate 20200101000000Z -enddate 20200102000000Z -extensions leaf \
    -out expired.crt >/dev/null 2>&1
test -s expired.crt
