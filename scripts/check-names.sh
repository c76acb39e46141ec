#!/bin/sh
# The naming rules of docs/design.md ("Naming") that a script can see, over
# the public headers (asyncrt_impl/*/*.h without .internal.h):
#   - every public data type (struct, union, enum, id) ends in _t;
#   - every public function type ends in _cb or _fn;
#   - no public function ends in _async or _promise (promise forms live in
#     the asy_<module>p_ namespace; asy_async itself is the coroutine).
# Prints each offender with its file and fails if there is one.
cd "$(dirname "$0")/.." || exit 2
headers=$(ls asyncrt_impl/*/*.h | grep -v '\.internal\.h$')
bad=$(
    for h in $headers; do
        # one declaration per line: join, then split at ';'
        tr '\n' ' ' < "$h" | tr ';' '\n' | sed -E 's/[[:space:]]+/ /g' | while IFS= read -r d; do
            case "$d" in
            *typedef*'(*'*)
                n=$(printf '%s\n' "$d" | sed -nE 's/.*\(\* *(asy_[a-z0-9_]+) *\).*/\1/p')
                case "$n" in '' | asy__* | *_cb | *_fn) ;; *) echo "$h: function type $n: end it in _cb or _fn" ;; esac ;;
            *typedef*)
                n=$(printf '%s\n' "$d" | sed -nE 's/.* (asy_[a-z0-9_]+) *$/\1/p')
                case "$n" in '' | asy__* | *_t) ;; *) echo "$h: type $n: end it in _t" ;; esac ;;
            *'}'*)
                n=$(printf '%s\n' "$d" | sed -nE 's/.*\} *(asy_[a-z0-9_]+) *$/\1/p')
                case "$n" in '' | asy__* | *_t) ;; *) echo "$h: type $n: end it in _t" ;; esac ;;
            esac
            case "$d" in
            *ASYNCRT_API*)
                n=$(printf '%s\n' "$d" | sed -nE 's/.*[ *](asy_[a-z0-9_]+) *\(.*/\1/p')
                case "$n" in asy_async) ;; *_async | *_promise) echo "$h: function $n: promise forms are asy_<module>p_*" ;; esac ;;
            esac
        done
    done
)
if [ -n "$bad" ]; then
    printf '%s\n' "$bad"
    echo "check-names: $(printf '%s\n' "$bad" | wc -l) names break the rules of docs/design.md (Naming)"
    exit 1
fi
echo "check-names: every public type ends in _t, _cb or _fn; promise forms use the p namespace"
