/* Private parts of the url layer shared by its files: the parser's states
 * and its record (spans of one URL's components in a scratch buffer). */
#pragma once
#include "encode.internal.h"

enum {
    ASY__US_NONE = 0,
    ASY__US_SCHEME_START,
    ASY__US_SCHEME,
    ASY__US_NO_SCHEME,
    ASY__US_SPECIAL_RELATIVE_OR_AUTHORITY,
    ASY__US_PATH_OR_AUTHORITY,
    ASY__US_RELATIVE,
    ASY__US_RELATIVE_SLASH,
    ASY__US_SPECIAL_AUTHORITY_SLASHES,
    ASY__US_SPECIAL_AUTHORITY_IGNORE_SLASHES,
    ASY__US_AUTHORITY,
    ASY__US_HOST,
    ASY__US_HOSTNAME,
    ASY__US_PORT,
    ASY__US_FILE,
    ASY__US_FILE_SLASH,
    ASY__US_FILE_HOST,
    ASY__US_PATH_START,
    ASY__US_PATH,
    ASY__US_OPAQUE_PATH,
    ASY__US_QUERY,
    ASY__US_FRAGMENT
};

/* A state-override run that the standard ends with a plain "return"
 * before changing anything: the setter reports the value as ignored. */
#define ASY__URL_IGNORED 1

typedef struct {
    asy__ubuf b;
    size_t scheme_s, scheme_e, user_s, user_e, pass_s, pass_e, host_s, host_e;
    size_t path_s, path_e, query_s, query_e, frag_s, frag_e;
    long port; /* -1: null */
    int scheme_type, host_type, opaque, has_query, has_frag;
} asy__urec;

/* Defined in host.c, used by file.c, parse.c. */
ASY__INTERNAL int asy__url_utf8_valid(const unsigned char *s, size_t n);
ASY__INTERNAL int asy__url_parse_host(asy__ubuf *b, const char *in, size_t n, int special);

/* Defined in parse.c, used by params.c, url.c. */
ASY__INTERNAL void asy__urec_init(asy__urec *u, char *stack, size_t cap);
ASY__INTERNAL int asy__url_scheme_of(const char *s, size_t n);
ASY__INTERNAL long asy__url_type_port(int t);
ASY__INTERNAL void asy__urec_new_query(asy__urec *u);
ASY__INTERNAL void asy__urec_new_frag(asy__urec *u);
ASY__INTERNAL int asy__url_run(asy__urec *u, const char *in, size_t n, const asy_url_t *base, int state,
                               int override);

/* Defined in url.c, used by params.c. */
ASY__INTERNAL int asy__urec_finish(const asy__urec *u, asy_url_t *url);
ASY__INTERNAL int asy__urec_load(asy__urec *u, const asy_url_t *url);
