/* Numbers: JSON text to double (as JSON.parse rounds) and double to the
 * text Number.prototype.toString prints (the shortest round trip).
 *
 * Both directions rest on one exact fact (Clinger): when c < 2^53 and
 * |e| <= 22, c and 10^|e| are exact doubles, so c * 10^e (or c / 10^-e)
 * is one correctly rounded IEEE operation -- exactly the double that the
 * decimal c×10^e denotes.  Outside that range the C library's correctly
 * rounded conversions (glibc's strtod and printf are exact) do the work.
 *
 * Shortest digits (docs/json.md has the proof): for a decimal length n,
 * P(n) = "some n-digit decimal rounds to v" is monotone in n (pad with a
 * zero), so the shortest length is found by binary search on n.  The
 * n-digit decimals that can round to v are the two that bracket v (the
 * rounding interval is convex and contains v): floor and ceil of
 * v×10^k.  For n <= 15 the n-digit spacing exceeds the interval's width,
 * so at most one candidate matches and it is the answer; it is checked
 * exactly with the fact above.  For 16 and 17 digits (and values outside
 * the fast range), printf gives D, the correctly rounded n-digit decimal
 * (the nearest, ties to even, as ECMAScript's tie rule asks), and the
 * bracketing pair is {D, D-1} or {D, D+1}: D if it reads back to v, else
 * whichever neighbour does. */
#include "json.internal.h"
#include <stdlib.h>

#define ASY__JSON_MAX_DIGITS 780

ASY__INTERNAL double asy__json_strtod(const char *s, size_t len) {
    char buf[ASY__JSON_MAX_DIGITS + 40];
    size_t i = 0, nd = 0;
    int neg = 0, sticky = 0, seen_nonzero = 0;
    int64_t exp10 = 0, e = 0;
    uint64_t m = 0;
    size_t trail_zero = 0; /* zeros at the end of buf, not yet kept */
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (s[i] == '0' && !seen_nonzero) continue;
        seen_nonzero = 1;
        if (nd < ASY__JSON_MAX_DIGITS) buf[nd++] = s[i];
        else {
            if (s[i] != '0') sticky = 1;
            exp10++;
        }
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (s[i] == '0' && !seen_nonzero) {
                exp10--;
                continue;
            }
            seen_nonzero = 1;
            if (nd < ASY__JSON_MAX_DIGITS) {
                buf[nd++] = s[i];
                exp10--;
            } else if (s[i] != '0')
                sticky = 1;
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 1000000000) e = e * 10 + (s[i] - '0');
        if (eneg) e = -e;
    }
    if (nd == 0) return neg ? -0.0 : 0.0;
    while (nd > 1 && buf[nd - 1] == '0' && !sticky) { /* 1.5000 is 15e-1 */
        nd--;
        trail_zero++;
    }
    exp10 += (int64_t)trail_zero + e;
    if (nd <= 19) {
        size_t k;
        for (k = 0; k < nd; k++) m = m * 10 + (uint64_t)(buf[k] - '0');
        if (m <= ((uint64_t)1 << 53) && exp10 >= -22 && exp10 <= 22) {
            double d = (double)m;
            d = exp10 >= 0 ? d * asy__json_pow10[exp10] : d / asy__json_pow10[-exp10];
            return neg ? -d : d;
        }
    }
    /* No double's rounding boundary has more than 768 significant digits:
     * the kept digits plus a sticky 1 decide the rounding as all would. */
    if (sticky) buf[nd++] = '1', exp10--;
    if (exp10 > 100000) exp10 = 100000; /* far past overflow / underflow */
    if (exp10 < -100000) exp10 = -100000;
    snprintf(buf + nd, 24, "e%d", (int)exp10);
    {
        double d = strtod(buf, NULL);
        return neg ? -d : d;
    }
}

/* c × 10^e as the double it rounds to, for c < 2^53, |e| <= 22. */
ASY__INTERNAL double asy__json_exact(uint64_t c, int e) {
    double d = (double)c;
    return e >= 0 ? d * asy__json_pow10[e] : d / asy__json_pow10[-e];
}

/* The fast test of P(n): 1 with *c (v = c×10^*e exactly when read back),
 * 0 if no n-digit decimal rounds to v, -1 if this path cannot tell. */
ASY__INTERNAL int asy__json_fast_try(double v, int n, int E, uint64_t *c, int *e) {
    int k = n - 1 - E; /* v × 10^k has n digits before the point */
    double x;
    uint64_t f, cand;
    int i;
    if (k > 22 || k < -22) return -1;
    x = k >= 0 ? v * asy__json_pow10[k] : v / asy__json_pow10[-k];
    /* x is within 1 of v×10^k (one rounding, x < 2^53).  At n = 15 a miss
     * is used as "no 15-digit decimal", which is only true if E was not
     * one too big (v×10^k would have 14 digits): when x cannot rule that
     * out, the fast path declines. */
    if (!(x < 9.0e15) || x < 1.0) return -1;
    f = (uint64_t)x;
    for (i = -1; i <= 2; i++) {
        cand = f + (uint64_t)(int64_t)i;
        if (cand >= ((uint64_t)1 << 53)) return -1;
        if (asy__json_exact(cand, -k) == v) {
            *c = cand;
            *e = -k;
            return 1;
        }
    }
    return (n == 15 && x < 1e14 + 1) ? -1 : 0;
}

/* printf's nearest n-digit decimal D (n-1 digits after the point) and
 * its neighbours D+1, D-1 at the same spacing: the length of the one that
 * reads back to v (its digits and exponent in digits / *exp), else 0. */
ASY__INTERNAL int asy__json_slow_try(double v, int n, char *digits, int *exp) {
    char tmp[64], cand[48], d0[24];
    int x, nd = 0, pass;
    const char *p;
    snprintf(tmp, sizeof(tmp), "%.*e", n - 1, v);
    for (p = tmp; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && nd < 20) d0[nd++] = *p;
    if (*p != 'e' || nd != n) return 0;
    x = atoi(p + 1) - (n - 1); /* value = D × 10^x */
    for (pass = 0; pass < 3; pass++) {
        char d[24];
        const char *s = d;
        int dx = x, len = n, i;
        memcpy(d, d0, (size_t)n);
        if (pass == 1) { /* D + 1 */
            for (i = n - 1; i >= 0 && d[i] == '9'; i--) d[i] = '0';
            if (i < 0) {
                d[0] = '1'; /* 99..9 + 1 = 10..0, read one place up */
                dx++;
            } else
                d[i]++;
        } else if (pass == 2) { /* D - 1 */
            for (i = n - 1; i >= 0 && d[i] == '0'; i--) d[i] = '9';
            if (i < 0) continue;
            d[i]--;
            if (d[0] == '0') { /* 10..0 - 1 = 9..9, one digit shorter */
                s = d + 1;
                len = n - 1;
                if (len == 0) continue;
            }
        }
        memcpy(cand, s, (size_t)len);
        snprintf(cand + len, sizeof(cand) - (size_t)len, "e%d", dx);
        if (strtod(cand, NULL) == v) {
            memcpy(digits, s, (size_t)len);
            *exp = dx;
            return len;
        }
    }
    return 0;
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 asy__json_u128;
#define ASY__JSON_EXACT 1

/* P(n) exactly, in integers: v = m × 2^q, and t = v × 10^k = A / B with
 * the ulp of v being U / B in the same units.  The candidates are
 * floor(t) and floor(t) + 1; one reads back to v when it lies within half
 * an ulp (a quarter below when v is a power of two, whose lower gap is
 * half), boundaries included only for even m (ties go to even).  When
 * both do, the nearer wins, and on a tie the even one (ECMAScript).
 * 1 with *c, 0 if neither, -1 if the numbers would not fit in 128 bits. */
ASY__INTERNAL int asy__json_exact_try(uint64_t m, int q, int lower_half, int k, uint64_t *c) {
    static const uint64_t p10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
                                     10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
                                     100000000000ull, 1000000000000ull, 10000000000000ull,
                                     100000000000000ull, 1000000000000000ull, 10000000000000000ull,
                                     100000000000000000ull, 1000000000000000000ull,
                                     10000000000000000000ull};
    asy__json_u128 A = m, B = 1, U = 1, fl, r, lo2, hi2;
    int lo_in, hi_in, strict = (int)(m & 1);
    /* bit budget: A, B, U and 4×r must stay below 2^127 */
    if (k >= 0) {
        if (k > 21) return -1;
        A *= k > 19 ? (asy__json_u128)p10[19] * p10[k - 19] : (asy__json_u128)p10[k];
        U = k > 19 ? (asy__json_u128)p10[19] * p10[k - 19] : (asy__json_u128)p10[k];
    } else {
        if (-k > 36) return -1;
        B = -k > 19 ? (asy__json_u128)p10[19] * p10[-k - 19] : (asy__json_u128)p10[-k];
    }
    if (q >= 0) {
        if (q > 52 || (k > 0 && 53 + q + 4 * k > 122)) return -1;
        A <<= q;
        U <<= q;
    } else {
        if (-q > 120 || (k < 0 && -q + 4 * (-k) > 122)) return -1;
        B <<= -q;
    }
    fl = A / B;
    r = A % B;
    /* below: t - fl = r/B against U/(2B) (U/(4B) for a power of two) */
    lo2 = r * (lower_half ? 4u : 2u);
    lo_in = strict ? lo2 < U : lo2 <= U;
    hi2 = (B - r) * 2u;
    hi_in = r != 0 && (strict ? hi2 < U : hi2 <= U);
    if (r == 0) lo_in = 1;
    if (lo_in && hi_in) {
        if (r < B - r) hi_in = 0;
        else if (r > B - r) lo_in = 0;
        else if (fl & 1) lo_in = 0;
        else hi_in = 0;
    }
    if (!lo_in && !hi_in) return 0;
    if (fl + 1 > (asy__json_u128)p10[19]) return -1;
    *c = (uint64_t)(lo_in ? fl : fl + 1);
    return 1;
}

/* The shortest digits through asy__json_exact_try alone: 1, or 0 when some
 * step would not fit (the caller takes the general path). */
ASY__INTERNAL int asy__json_shortest_exact(double v, int E, char *digits, int *nd, int *point) {
    uint64_t bits, m, c = 0, c2;
    int be, q, lower_half, lo = 1, hi = 17, r, tries, len = 0, i;
    char tmp[24];
    memcpy(&bits, &v, 8);
    be = (int)((bits >> 52) & 0x7FF);
    m = bits & 0xFFFFFFFFFFFFFull;
    if (be == 0) { /* subnormal */
        q = -1074;
        lower_half = 0;
    } else {
        lower_half = m == 0 && be > 1;
        m |= 1ull << 52;
        q = be - 1075;
    }
    /* fix E exactly: the 17-digit floor must have 17 digits */
    for (tries = 0;; tries++) {
        asy__json_u128 A = m, B = 1;
        int k = 16 - E;
        if (tries > 2) return 0;
        if (k > 21 || k < -36 || q > 52 || -q > 120) return 0;
        if (k >= 0) {
            int j;
            for (j = 0; j < k; j++) A *= 10u;
        } else {
            int j;
            for (j = 0; j < -k; j++) B *= 10u;
        }
        if (q >= 0) {
            if (53 + q + 4 * (k > 0 ? k : 0) > 122) return 0;
            A <<= q;
        } else {
            if (-q + 4 * (k < 0 ? -k : 0) > 122) return 0;
            B <<= -q;
        }
        A /= B;
        if (A >= (asy__json_u128)100000000000000000ull) E++;
        else if (A < (asy__json_u128)10000000000000000ull) E--;
        else break;
    }
    r = asy__json_exact_try(m, q, lower_half, 16 - E, &c);
    if (r != 1) return 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        r = asy__json_exact_try(m, q, lower_half, mid - 1 - E, &c2);
        if (r < 0) return 0;
        if (r == 1) {
            hi = mid;
            c = c2;
        } else
            lo = mid + 1;
    }
    /* c × 10^(E - hi + 1), trailing zeros dropped */
    {
        int e = E - hi + 1;
        while (c % 10 == 0) {
            c /= 10;
            e++;
        }
        while (c) {
            tmp[len++] = (char)('0' + c % 10);
            c /= 10;
        }
        for (i = 0; i < len; i++) digits[i] = tmp[len - 1 - i];
        *nd = len;
        *point = len + e;
    }
    return 1;
}
#endif

/* floor(log10(v)) for v > 0, or one less (no libm: the binary exponent
 * times log10(2) ~ 78913 / 2^18); every user corrects it. */
ASY__INTERNAL int asy__json_dec_exp(double v) {
    uint64_t bits;
    int e2;
    memcpy(&bits, &v, 8);
    e2 = (int)((bits >> 52) & 0x7FF) - 1023;
    if (e2 == -1023) return -324; /* subnormal: only the general path applies */
    return e2 >= 0 ? (e2 * 78913) >> 18 : -(((-e2) * 78913 + (1 << 18) - 1) >> 18);
}

/* Shortest digits of v > 0: digits (no trailing zeros), *nd, and the
 * decimal exponent point such that v = 0.digits × 10^point. */
ASY__INTERNAL void asy__json_shortest(double v, char *digits, int *nd, int *point) {
    int E = asy__json_dec_exp(v);
    uint64_t c = 0, c2;
    int e = 0, e2, r, lo, hi, n, x = 0, i;
    char d[24], best[24];
    if (E >= -8 && E <= 36) { /* log10 may be one off near powers of 10 */
        double y = E <= 14 ? v * asy__json_pow10[14 - E] : v / asy__json_pow10[E - 14];
        if (y < 1e14) E--;
        else if (y >= 1e15) E++;
    }
    r = asy__json_fast_try(v, 15, E, &c, &e);
    if (r == 1 && c < 1000000000000000ull) {
        lo = 1;
        hi = 15;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            r = asy__json_fast_try(v, mid, E, &c2, &e2);
            if (r < 0) break;
            if (r == 1) {
                hi = mid;
                c = c2;
                e = e2;
            } else
                lo = mid + 1;
        }
        if (lo >= hi) {
            char tmp[24];
            int len = 0;
            while (c % 10 == 0) {
                c /= 10;
                e++;
            }
            while (c) {
                tmp[len++] = (char)('0' + c % 10);
                c /= 10;
            }
            for (i = 0; i < len; i++) digits[i] = tmp[len - 1 - i];
            *nd = len;
            *point = len + e;
            return;
        }
    }
#ifdef ASY__JSON_EXACT
    if (asy__json_shortest_exact(v, E, digits, nd, point)) return;
#endif
    /* the general path: binary search over 1..17 (17 always reads back),
     * starting above 15 when the fast path showed no 15-digit decimal */
    lo = (r == 0) ? 16 : 1;
    hi = 17;
    n = 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2, mx, got = asy__json_slow_try(v, mid, d, &mx);
        if (got) {
            hi = mid;
            n = got;
            memcpy(best, d, (size_t)got);
            x = mx;
        } else
            lo = mid + 1;
    }
    if (n == 0) { /* 17 digits: printf's correctly rounded D always reads back */
        char tmp[64];
        const char *p;
        snprintf(tmp, sizeof(tmp), "%.16e", v);
        for (p = tmp; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && n < 17) best[n++] = *p;
        x = atoi(p + (*p == 'e')) - 16;
    }
    while (n > 1 && best[n - 1] == '0') {
        n--;
        x++;
    }
    memcpy(digits, best, (size_t)n);
    *nd = n;
    *point = n + x;
}

ASYNCRT_API size_t asy_json_format_number(double d, char *buf) {
    char digits[24];
    int nd, point, i;
    size_t len = 0;
    if (d != d) {
        memcpy(buf, "NaN", 4);
        return 3;
    }
    if (d == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if (d < 0) {
        buf[len++] = '-';
        d = -d;
    }
    if (d > 1.7976931348623157e308) {
        memcpy(buf + len, "Infinity", 9);
        return len + 8;
    }
    if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
        uint64_t u = (uint64_t)d;
        char tmp[24];
        int n = 0;
        while (u) {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        }
        while (n) buf[len++] = tmp[--n];
        buf[len] = 0;
        return len;
    }
    asy__json_shortest(d, digits, &nd, &point);
    if (nd <= point && point <= 21) { /* 1234500 */
        memcpy(buf + len, digits, (size_t)nd);
        len += (size_t)nd;
        for (i = nd; i < point; i++) buf[len++] = '0';
    } else if (0 < point && point <= 21) { /* 12.345 */
        memcpy(buf + len, digits, (size_t)point);
        len += (size_t)point;
        buf[len++] = '.';
        memcpy(buf + len, digits + point, (size_t)(nd - point));
        len += (size_t)(nd - point);
    } else if (-6 < point && point <= 0) { /* 0.00012 */
        buf[len++] = '0';
        buf[len++] = '.';
        for (i = point; i < 0; i++) buf[len++] = '0';
        memcpy(buf + len, digits, (size_t)nd);
        len += (size_t)nd;
    } else { /* 1.2e+21, 5e-324 */
        int ex = point - 1;
        buf[len++] = digits[0];
        if (nd > 1) {
            buf[len++] = '.';
            memcpy(buf + len, digits + 1, (size_t)(nd - 1));
            len += (size_t)(nd - 1);
        }
        buf[len++] = 'e';
        buf[len++] = ex < 0 ? '-' : '+';
        len += (size_t)snprintf(buf + len, 8, "%d", ex < 0 ? -ex : ex);
    }
    buf[len] = 0;
    return len;
}
