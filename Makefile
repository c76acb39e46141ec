# asyncrt — see README.md.  The two commands: `make test` and `make bench`.
#
#   make test [T=filter]     deps, amalgamation, compile tests, symbol check, test suite
#   make bench [BENCH=name]  every benchmark against its peer, 5 runs each, medians
#   make asan | tsan | ubsan | valgrind   the suite under a sanitizer / valgrind
#   make examples (each built alone) | fuzz | test-windows | test-aarch64 | check-harness | amalgamate | check-amalgamation | clean
#   make check-includes (each asyncrt_impl/ file compiles alone) | compile_commands.json (for clangd)

CC      ?= cc
CXX     ?= g++
CLANG   ?= clang
WARN    := -Wall -Wextra -Wpedantic -Werror
CSTD    ?= -std=c11
OPT     ?= -O2 -g
SAN     ?=
BUILD   ?= build
LDLIBS  ?= -pthread -lm
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(SAN) $(EXTRA_CFLAGS)
TEST_CFLAGS = -D_GNU_SOURCE -DASYT_TOP=\"$(CURDIR)\"

# Optional modules are compiled in when their libraries are present.
HAVE_ZLIB    := $(shell printf '\043include <zlib.h>\nint main(void){return 0;}' | $(CC) -x c - -o /dev/null -lz 2>/dev/null && echo 1)
HAVE_MBEDTLS := $(shell printf '\043include <mbedtls/ssl.h>\nint main(void){return 0;}' | $(CC) -x c - -o /dev/null -lmbedtls -lmbedx509 -lmbedcrypto 2>/dev/null && echo 1)

# The zlib module (asyncrt_impl/zlib) is built with ASYNCRT_WITH_ZLIB and -lz.
ifeq ($(HAVE_ZLIB),1)
ZLIB_CFLAGS := -DASYNCRT_WITH_ZLIB
ZLIB_LIBS   := -lz
endif
CFLAGS_ALL += $(ZLIB_CFLAGS)
LDLIBS     += $(ZLIB_LIBS)

# libpq, for examples/pg_pool.c and its test only (never the library):
# pkg-config's libpq, else pg_config.  Without it pg_pool is not built and
# its test skips.
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null)
PQ_LIBS   := $(shell pkg-config --libs libpq 2>/dev/null)
ifeq ($(PQ_LIBS),)
PG_INCDIR := $(shell pg_config --includedir 2>/dev/null)
ifneq ($(PG_INCDIR),)
PQ_CFLAGS := -I$(PG_INCDIR)
PQ_LIBS   := -L$(shell pg_config --libdir 2>/dev/null) -lpq
endif
endif
HAVE_LIBPQ := $(if $(PQ_LIBS),$(shell printf '\043include <libpq-fe.h>\nint main(void){return PQlibVersion() > 0 ? 0 : 1;}' | $(CC) -x c - $(PQ_CFLAGS) -o /dev/null $(PQ_LIBS) 2>/dev/null && echo 1))
# The tls layer (asyncrt_impl/tls, and https in http) is built with
# ASYNCRT_WITH_MBEDTLS and mbedTLS's three libraries.
ifeq ($(HAVE_MBEDTLS),1)
MBEDTLS_CFLAGS := -DASYNCRT_WITH_MBEDTLS
MBEDTLS_LIBS   := -lmbedtls -lmbedx509 -lmbedcrypto
endif
CFLAGS_ALL += $(MBEDTLS_CFLAGS)
LDLIBS     += $(MBEDTLS_LIBS)

IMPL_SOURCES := $(shell find asyncrt_impl -type f 2>/dev/null)
TEST_SRCS    := $(wildcard tests/test_*.c)
TEST_OBJS    := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(TEST_SRCS) tests/runner.c tests/impl.c)
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(wildcard tests/helpers/*.c))
EXAMPLE_SRCS := $(filter-out $(if $(HAVE_LIBPQ),,examples/pg_pool.c),$(wildcard examples/*.c))
EXAMPLES     := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRCS))
BENCH_SRCS   := $(wildcard bench/*.c)
BENCH_BINS   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
BENCH_PEERS  := $(patsubst bench/peers/%.c,$(BUILD)/bench/peers/%,$(wildcard bench/peers/*_uv.c))
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))
FUZZ_SECONDS ?= 20

.PHONY: all test run-tests deps amalgamate check-amalgamation check-includes check-names compile-test check-symbols \
        asan ubsan tsan valgrind bench bench-build bench-ceiling check-harness examples fuzz test-windows test-aarch64 clean

all: asyncrt.h $(BUILD)/tests/run $(EXAMPLES)

deps:
	@bash scripts/deps.sh

# ---- the single header -------------------------------------------------------
asyncrt.h: $(IMPL_SOURCES) scripts/amalgamate.sh
	sh scripts/amalgamate.sh asyncrt.h

amalgamate:
	sh scripts/amalgamate.sh asyncrt.h

check-amalgamation:
	@mkdir -p $(BUILD) && sh scripts/amalgamate.sh $(BUILD)/asyncrt.h.check
	@if cmp -s asyncrt.h $(BUILD)/asyncrt.h.check; then echo "asyncrt.h is up to date"; \
	 else echo "asyncrt.h is stale: run 'make amalgamate' and commit it" >&2; exit 1; fi

# Every file of asyncrt_impl/ compiles alone with what it includes (clang
# -fsyntax-only), and the include graph has no cycle and no upward reach;
# then amalgamate.sh against broken copies of the tree (each fault caught).
check-includes:
	@CLANG=$(CLANG) sh scripts/check-includes.sh
	@sh scripts/check-amalgamate.sh >/dev/null && echo "check-amalgamate: amalgamate.sh catches every include fault it checks"


# What clangd (and other tools) need to open any asyncrt_impl/ file alone:
# the same flags check-includes uses.
compile_commands.json: $(IMPL_SOURCES) scripts/amalgamate.sh scripts/check-includes.sh
	CLANG=$(CLANG) sh scripts/check-includes.sh --json > $@.tmp && mv $@.tmp $@

# ---- tests -------------------------------------------------------------------
$(BUILD)/tests/%.o: tests/%.c asyncrt.h tests/test.h $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/run: $(TEST_OBJS) $(TEST_HELPERS)
	$(CC) $(SAN) $(TEST_OBJS) -o $@ $(LDLIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c asyncrt.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< -o $@ $(LDLIBS)

run-tests: $(BUILD)/tests/run $(EXAMPLES)
	cd $(BUILD)/tests && ./run $(T)

test: deps check-amalgamation check-includes check-names compile-test check-symbols
	@$(MAKE) --no-print-directory run-tests

# The header in C99, C11, C++17 and under clang, with and without the
# implementation, linked across languages; and asyncrt.h alone in a folder.
compile-test: asyncrt.h
	@sh scripts/compile-test.sh $(BUILD)/compile

# The public names follow docs/design.md ("Naming"): _t / _cb / _fn, and
# promise forms in the asy_<module>p_ namespace.
check-names:
	@sh scripts/check-names.sh

check-symbols: $(BUILD)/tests/impl.o
	@sh scripts/check-symbols.sh $(BUILD)/tests/impl.o

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  run-tests ASYT_TIMEOUT_SCALE=4

ubsan:
	@$(MAKE) --no-print-directory BUILD=build-ubsan OPT="-O1 -g" \
	  SAN="-fsanitize=undefined -fno-sanitize-recover=undefined" run-tests

tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" \
	  run-tests ASYT_TIMEOUT_SCALE=6

valgrind: $(BUILD)/tests/run
	cd $(BUILD)/tests && ASYT_TIMEOUT_SCALE=25 valgrind -q --error-exitcode=99 \
	  --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	  ./run $(T)

export ASYT_TIMEOUT_SCALE

# ---- examples ----------------------------------------------------------------
# `make examples` builds each example alone, as a user would: one file
# with the whole implementation in it.  The suite runs every example too,
# but links it against the test binary's implementation object instead of
# compiling the implementation into each (ASYNCRT_IMPLEMENTATION_INCLUDED
# skips the example's copy): the same code and flags, a fraction of the
# compile time, which under the sanitizers was most of CI's.
EXAMPLES_ALONE := $(patsubst examples/%.c,$(BUILD)/examples-alone/%,$(EXAMPLE_SRCS))

# pg_pool talks to PostgreSQL through libpq
$(BUILD)/examples/pg_pool $(BUILD)/examples-alone/pg_pool: EXAMPLE_CFLAGS += $(PQ_CFLAGS)
$(BUILD)/examples/pg_pool $(BUILD)/examples-alone/pg_pool: EXAMPLE_LIBS += $(PQ_LIBS)

examples: $(EXAMPLES_ALONE)

$(BUILD)/examples-alone/%: examples/%.c asyncrt.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXAMPLE_CFLAGS) -I. $< -o $@ $(LDLIBS) $(EXAMPLE_LIBS)

$(BUILD)/examples/%: examples/%.c asyncrt.h $(BUILD)/tests/impl.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) $(EXAMPLE_CFLAGS) -I. -DASYNCRT_IMPLEMENTATION_INCLUDED $< $(BUILD)/tests/impl.o \
	  -o $@ $(SAN) $(LDLIBS) $(EXAMPLE_LIBS)

# ---- benchmarks --------------------------------------------------------------
BENCH_CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror $(ZLIB_CFLAGS) $(MBEDTLS_CFLAGS)

$(BUILD)/bench/%: bench/%.c asyncrt.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -o $@ $(LDLIBS)

# uv.h needs POSIX types (pthread_rwlock_t) that strict -std=c11 hides.
PEER_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror

$(BUILD)/bench/peers/%_uv: bench/peers/%_uv.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@ -luv $(LDLIBS)

# BENCH=name (or "a b") builds and runs only those benchmarks and their peers.
BENCH_SELECTED = $(if $(BENCH),$(filter $(addprefix $(BUILD)/bench/,$(BENCH)),$(BENCH_BINS)) \
                   $(filter $(addprefix $(BUILD)/bench/peers/,$(addsuffix _uv,$(BENCH))),$(BENCH_PEERS)), \
                   $(BENCH_BINS) $(BENCH_PEERS))

bench-build: $(BENCH_SELECTED)

# BENCH_RUNS (default 5) and BENCH_TIMEOUT (seconds per run, default 120)
# reach the harness through the environment.
bench: deps
	@$(MAKE) --no-print-directory bench-build
	@node bench/harness.mjs --build $(BUILD) $(BENCH)

# The kernel's ceilings for ping_pong and pound: the same work with no
# library (bench/ceiling/*.c, docs/net.md).
$(BUILD)/bench/ceiling/%: bench/ceiling/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@

# gzip_raw: zlib's own deflate/inflate speed on an in-memory buffer (docs/zlib.md).
$(BUILD)/bench/ceiling/gzip_raw: bench/ceiling/gzip_raw.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@ -lz

# gzip_1k_raw: zlib's best per 1 KiB message, no library (docs/zlib.md).
$(BUILD)/bench/ceiling/gzip_1k_raw: bench/ceiling/gzip_1k_raw.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@ -lz

# tls_gcm_raw: mbedTLS's own AES-128-GCM on 16 KiB records (docs/tls.md).
$(BUILD)/bench/ceiling/tls_gcm_raw: bench/ceiling/tls_gcm_raw.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@ -lmbedcrypto

# tls_hs_raw: the public-key work of one P-256 handshake, mbedTLS alone.
$(BUILD)/bench/ceiling/tls_hs_raw: bench/ceiling/tls_hs_raw.c
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $< -o $@ -lmbedcrypto

bench-ceiling: $(BUILD)/bench/ceiling/ping_pong_raw $(BUILD)/bench/ceiling/pound_raw \
               $(if $(HAVE_ZLIB),$(BUILD)/bench/ceiling/gzip_raw $(BUILD)/bench/ceiling/gzip_1k_raw) \
               $(if $(HAVE_MBEDTLS),$(BUILD)/bench/ceiling/tls_gcm_raw $(BUILD)/bench/ceiling/tls_hs_raw)
	@$(BUILD)/bench/ceiling/ping_pong_raw epoll && $(BUILD)/bench/ceiling/ping_pong_raw uring && \
	  $(BUILD)/bench/ceiling/pound_raw
	@if [ -n "$(HAVE_ZLIB)" ]; then $(BUILD)/bench/ceiling/gzip_raw && $(BUILD)/bench/ceiling/gzip_1k_raw; fi
	@if [ -n "$(HAVE_MBEDTLS)" ]; then $(BUILD)/bench/ceiling/tls_gcm_raw && $(BUILD)/bench/ceiling/tls_hs_raw; fi

# The harness itself, against throwaway programs in a temporary folder.
check-harness:
	@sh scripts/check-harness.sh

# ---- fuzzing (clang + libFuzzer) ----------------------------------------------
$(BUILD)/fuzz/%: fuzz/%.c asyncrt.h
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined $(ZLIB_CFLAGS) $(MBEDTLS_CFLAGS) $< -o $@ $(LDLIBS)

fuzz: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t $(BUILD)/fuzz/new-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	  $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(BUILD)/fuzz/new-$$t fuzz/corpus/$$t >$(BUILD)/fuzz/$$t.log 2>&1 \
	    || { tail -n 40 $(BUILD)/fuzz/$$t.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units' $(BUILD)/fuzz/$$t.log; \
	done

# ---- Windows (mingw-w64, run under wine) --------------------------------------
# The runner and the tests that apply to Windows, cross-compiled and run under
# wine in a prefix of its own inside the build folder (created on first use).
MINGW_CC ?= x86_64-w64-mingw32-gcc
# Debian's wine64 package has no `wine` on PATH (the `wine` package adds it)
WINE     ?= $(shell command -v wine 2>/dev/null || echo /usr/lib/wine/wine64)
WIN_TESTS ?= $(wildcard tests/test_base.c tests/test_internal_base.c tests/test_internal_thread.c tests/test_path_*.c \
             tests/test_internal_path.c tests/test_os.c tests/test_internal_os.c \
             tests/test_buf.c tests/test_buf_encoding.c tests/test_buf_chain.c tests/test_internal_buf.c \
             tests/test_url_api.c tests/test_url_wpt.c tests/test_url_file.c tests/test_url_oom.c \
             tests/test_internal_ctx.c tests/test_matrix.c)
# mingw's own printf, so %zu / %lld / %llu behave as in C99 whatever the CRT
MINGW_CFLAGS = -std=c11 $(WARN) -O1 -g -D__USE_MINGW_ANSI_STDIO=1
WIN_ENV = WINEPREFIX="$(abspath $(BUILD))/win/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

$(BUILD)/win/run.exe: tests/runner.c tests/impl.c tests/test.h $(WIN_TESTS) asyncrt.h
	@mkdir -p $(dir $@)
	$(MINGW_CC) $(MINGW_CFLAGS) tests/runner.c tests/impl.c $(WIN_TESTS) -o $@ -lws2_32

test-windows: deps asyncrt.h $(BUILD)/win/run.exe
	@for std in c99 c11; do \
	  $(MINGW_CC) -std=$$std $(WARN) -c tests/compile/impl.c -o $(BUILD)/win/impl_$$std.o || exit 1; \
	done; echo "test-windows: asyncrt.h compiles with mingw as C99 and C11"
	@if [ ! -f $(BUILD)/win/wineprefix/system.reg ]; then \
	  echo "test-windows: creating the wine prefix $(BUILD)/win/wineprefix (first run only)"; \
	  $(WIN_ENV) $(WINE) wineboot --init >$(BUILD)/win/wineboot.log 2>&1 || { cat $(BUILD)/win/wineboot.log; exit 1; }; \
	fi
	cd $(BUILD)/win && $(WIN_ENV) $(WINE) ./run.exe $(T)

# ---- AArch64 (cross-compiled, run under qemu-user) ----------------------------
# The suite built for AArch64 Linux and run under qemu-aarch64, so the
# hand-written AArch64 context switch and everything above it run on the
# CPU they were written for.  Left out: the tests of the example programs
# (they run the examples, which are host builds) and the TLS/crypto ones
# (no AArch64 mbedTLS here).  The helper programs the process tests start
# are host builds: qemu-user cannot run a foreign child without binfmt_misc,
# and what those tests check is the parent's side.
A64_CC   ?= aarch64-linux-gnu-gcc
A64_QEMU ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
A64_TESTS := $(filter-out tests/test_examples%.c tests/test_coro_examples.c tests/test_http_client_servers.c \
               tests/test_http_clients.c tests/test_pg_pool.c tests/test_tls%.c tests/test_crypto.c,$(TEST_SRCS))
A64_OBJS  := $(patsubst tests/%.c,$(BUILD)/a64/%.o,$(A64_TESTS) tests/runner.c tests/impl.c)

$(BUILD)/a64/%.o: tests/%.c asyncrt.h tests/test.h $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(A64_CC) $(CSTD) $(WARN) -O1 -g $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/a64/tests/run: $(A64_OBJS) $(TEST_HELPERS)
	@mkdir -p $(dir $@)helpers
	$(A64_CC) $(A64_OBJS) -o $@ -pthread -lm
	cp $(TEST_HELPERS) $(dir $@)helpers/

test-aarch64: deps asyncrt.h $(BUILD)/a64/tests/run
	cd $(BUILD)/a64/tests && ASYT_TIMEOUT_SCALE=4 $(A64_QEMU) ./run $(T)

clean:
	rm -rf build build-asan build-ubsan build-tsan
