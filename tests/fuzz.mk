# tests/fuzz.mk - libFuzzer harnesses (clang): tests/fuzz/fuzz-NAME.c each
# feed one parser of untrusted bytes; seeds live in tests/fuzz/corpus/NAME/
# and crashes found become regression inputs there too.
#
#   make fuzz [FUZZ_TIME=60]     fuzz each harness for FUZZ_TIME seconds
#   make fuzz-build              just build them (build/fuzz/fuzz-NAME)
# tests/t0006-fuzz.sh replays every corpus and fuzzes each briefly in make check.

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_B = build/fuzz
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_B)/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_B)/%.o) $(LIB_ASMS:%.S=$(FUZZ_B)/%.o)

.PHONY: fuzz fuzz-build

$(FUZZ_B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -MMD -MP $(LIB_INCLUDES) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link -DMPF_VERSION='"fuzz"' -c -o $@ $<

$(FUZZ_B)/lib/%.o: lib/%.S
	@mkdir -p $(@D)
	$(FUZZ_CC) -c -o $@ $<

$(FUZZ_B)/libmpf.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Objects and harnesses record the headers they read (-MMD), so a changed
# struct rebuilds them; the harnesses' lists go to deps/, out of the way of
# the fuzz-* names t0006 runs.
$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_B)/libmpf.a
	@mkdir -p $(FUZZ_B)/deps
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -MMD -MP -MF $(FUZZ_B)/deps/$*.d $(LIB_INCLUDES) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libmpf.a $(LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: check-deps fuzz-build
	@for f in $(FUZZ_BINS); do n=$${f##*/fuzz-}; mkdir -p tests/fuzz/corpus/$$n build/fuzz/new/$$n; \
	  echo "== $$n ($(FUZZ_TIME) s)"; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=tests/fuzz/corpus/$$n/regress- \
	    build/fuzz/new/$$n tests/fuzz/corpus/$$n 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY" ; done

# make check builds the harnesses (when clang is there) for t0006-fuzz.sh.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
CHECK_DEPS += fuzz-build
endif
