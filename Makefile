# Tessera: `make` builds ./tessera; `make test` runs the suite;
# `make example` runs the bundled example end to end.
# Missing Debian packages are installed first (non-interactively).

CC ?= cc
LLVM_CONFIG ?= llvm-config-14
CFLAGS ?= -O2 -g
# override: CFLAGS given on the command line (make asan's) get these too
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow \
          -Wstrict-prototypes -Wno-unused-parameter
# Expanded by the shell when a recipe runs, after `deps` has installed
# LLVM on a fresh machine (not when make reads this file).
LLVM_CFLAGS = -I$$($(LLVM_CONFIG) --includedir)
LLVM_LIBS = $$($(LLVM_CONFIG) --ldflags) $$($(LLVM_CONFIG) --libs)
B = build

# Debian packages Tessera needs: LLVM for the CPU reference, the
# hardware tools of the later stages, protobuf-c and ONNX's onnx.proto
# for `tessera import`, and for its tests ONNX's Python package (to
# build whole networks) and test models; OpenMPI for a search spread
# over the ranks of an MPI job (docs/scaling.md); Chromium for the
# test that renders the HTML report (--html) in a real browser.
DEB_PKGS = llvm-dev clang libclang-rt-14-dev verilator yosys iverilog \
           opensta qflow-tech-osu018 libprotobuf-c-dev protobuf-c-compiler \
           libonnx-dev python3-onnx libonnx-testdata libopenmpi-dev \
           openmpi-bin chromium

FRONT = frontend/lex.c frontend/parse.c frontend/archparse.c frontend/check.c frontend/load.c
IR = ir/util.c ir/arch.c ir/schedule.c ir/print.c ir/verify.c ir/passes.c \
     ir/count.c ir/spatial.c ir/buffers.c ir/interconnect.c ir/control.c \
     ir/model.c ir/walk.c ir/network.c ir/sumset.c ir/brute.c ir/edges.c ir/late.c ir/overlap.c
RUNTIME = runtime/tensor.c runtime/naive.c runtime/emit_c.c runtime/jitload.c \
          runtime/report.c runtime/netreport.c runtime/sim.c \
          runtime/synth.c runtime/synthstat.c runtime/synthsta.c runtime/synthreport.c \
          runtime/liberty.c runtime/proc.c runtime/simcheck.c \
          runtime/svg.c runtime/html.c runtime/netpage.c
VERILOG = backend-verilog/plan.c backend-verilog/emit.c backend-verilog/names.c \
	backend-verilog/port.c backend-verilog/seq.c backend-verilog/engine.c \
	backend-verilog/array.c backend-verilog/counters.c backend-verilog/modules.c \
	backend-verilog/halves.c backend-verilog/fan.c backend-verilog/ihalves.c \
	backend-verilog/ghalves.c backend-verilog/skew.c backend-verilog/skewline.c \
	backend-verilog/blocks.c \
	backend-verilog/timing.c \
	backend-verilog/walks.c backend-verilog/gbuf.c backend-verilog/gmem.c \
	backend-verilog/dbuf.c backend-verilog/kept.c backend-verilog/limits.c \
	backend-verilog/rules.c
SEARCH = search/eval.c search/kept.c search/write.c search/space.c search/jobs.c \
         search/search.c search/bound.c search/capacity.c search/hier.c search/net.c \
         search/study.c search/studypage.c search/page.c search/cli.c \
         search/dataflow.c search/cluster.c search/ranks.c search/netprint.c \
         search/whole.c
CORE = $(FRONT) $(IR) $(RUNTIME) $(VERILOG) $(SEARCH)
# `tessera import`: ONNX through protobuf-c, whose C code for Debian's
# onnx.proto is generated into $(B)/onnx at build time (not committed).
IMPORT = frontend/onnx.c frontend/shapes.c frontend/layout.c frontend/import.c
ONNX_PROTO = /usr/include/onnx/onnx.proto
HDRS = ir/tessera.h ir/schedule.h frontend/frontend.h backend-verilog/hw.h backend-verilog/emit.h backend-verilog/blocks.h runtime/synth.h \
       runtime/sim.h runtime/proc.h runtime/netsim.h runtime/svg.h runtime/html.h cmds.h \
       search/search.h search/study.h search/worker.h help.h opts.h frontend/onnx.h

CORE_OBJ = $(CORE:%.c=$(B)/%.o)
IMPORT_OBJ = $(IMPORT:%.c=$(B)/%.o) $(B)/onnx/onnx.pb-c.o
ALL_OBJ = $(CORE_OBJ) $(IMPORT_OBJ) $(B)/main.o $(B)/netcmd.o $(B)/help.o \
          $(B)/opts.o
LIBS = -ldl -lm -lpthread -lprotobuf-c

.PHONY: all deps test asan bench fuzz example soak clean
all: tessera $(B)/libtessera-jit.so $(B)/libtessera-mpi.so $(B)/vlt/harness.o

# Installs whatever is missing, once per machine (the stamp remembers).
deps: $(B)/.deps
$(B)/.deps: Makefile
	@mkdir -p $(B)
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing </dev/null; \
	fi
	@touch $@

$(B)/%.o: %.c $(HDRS) $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/onnx/onnx.pb-c.c: $(B)/.deps
	@mkdir -p $(B)/onnx
	protoc-c --proto_path=$(dir $(ONNX_PROTO)) --c_out=$(B)/onnx $(ONNX_PROTO)
$(B)/onnx/onnx.pb-c.h: $(B)/onnx/onnx.pb-c.c ;
$(B)/onnx/onnx.pb-c.o: $(B)/onnx/onnx.pb-c.c
	$(CC) $(CFLAGS) -Wno-missing-field-initializers -c $< -o $@
$(B)/frontend/onnx.o: $(B)/onnx/onnx.pb-c.h
$(B)/frontend/onnx.o: override CFLAGS += -I$(B)/onnx

$(B)/main.o: main.c $(HDRS) $(B)/.deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -DTESSERA_BUILD_DIR='"$(B)"' -c $< -o $@

# Verilator's runtime and the simulation harness, compiled once; each
# design's build (runtime/sim.c) compiles only its own model and links
# these.
VLT_INC = /usr/share/verilator/include
VLT_OBJ = $(B)/vlt/verilated.o $(B)/vlt/verilated_threads.o \
          $(B)/vlt/verilated_vcd_c.o
$(B)/vlt/%.o: $(B)/.deps
	@mkdir -p $(B)/vlt
	g++ -O2 -std=c++17 -I$(VLT_INC) -I$(VLT_INC)/vltstd -c $(VLT_INC)/$*.cpp -o $@
$(B)/vlt/harness.o: runtime/harness.c runtime/simio.h $(VLT_OBJ)
	$(CC) $(CFLAGS) -Iruntime -c runtime/harness.c -o $@

# The CPU reference's JIT is a plugin linked with the shared libLLVM, so
# that only `tessera run` pays for loading LLVM (runtime/jitload.c).
$(B)/libtessera-jit.so: runtime/jit.c $(HDRS) $(B)/.deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -fPIC -shared $(LLVM_CFLAGS) -o $@ runtime/jit.c \
	  $(LLVM_LIBS)

# A search under mpirun loads MPI from a plugin of its own
# (search/cluster.c), so that no other start pays for loading it.
$(B)/libtessera-mpi.so: search/mpi.c $(B)/.deps
	@mkdir -p $(B)
	mpicc $(CFLAGS) -fPIC -shared -o $@ search/mpi.c

# -rdynamic: the plugin calls back into the executable.
tessera: $(ALL_OBJ) $(B)/libtessera-jit.so
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(ALL_OBJ) $(LIBS)

test: all $(B)/schedgen
	@sh test/run.sh

$(B)/schedgen: test/schedgen.c
	@mkdir -p $(B)
	$(CC) -std=c11 -O2 -Wall -Wno-format-truncation -o $@ test/schedgen.c

# The suite again, with address and undefined-behaviour sanitizers.
# TESSERA_ASAN: the naive reference, some 40 times slower under ASan,
# checks the big examples' schedules on smaller layers (test/run.sh).
asan: $(B)/.deps all
	$(MAKE) B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined \
	  -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" tessera-asan build/schedgen
	@TESSERA=./tessera-asan TESSERA_JIT=build-asan/libtessera-jit.so \
	  TESSERA_ASAN=1 ASAN_OPTIONS=detect_leaks=1 sh test/run.sh

tessera-asan: $(ALL_OBJ) $(B)/libtessera-jit.so
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(ALL_OBJ) $(LIBS)

# Many more random layers and schedules than `make test` runs, on a copy
# of the binary so that rebuilding meanwhile cannot disturb it.
SOAK ?= 3000
SOAK_HW ?= 150
soak: tessera $(B)/schedgen
	@cp tessera $(B)/tessera-soak
	@TESSERA=$(B)/tessera-soak TESSERA_HOME=$(CURDIR) TESSERA_RANDOM=$(SOAK) \
	  TESSERA_HW_RANDOM=$(SOAK_HW) sh test/run.sh

bench: tessera $(B)/model-bench $(B)/search-bench
	@sh bench/run.sh

$(B)/model-bench: bench/model_bench.c $(CORE_OBJ)
	$(CC) $(CFLAGS) -o $@ bench/model_bench.c $(CORE_OBJ) -ldl -lm -lpthread

$(B)/search-bench: bench/search_bench.c $(CORE_OBJ)
	$(CC) $(CFLAGS) -o $@ bench/search_bench.c $(CORE_OBJ) -ldl -lm -lpthread

# Fuzzes the frontend, lowering and model with libFuzzer for FUZZ_SECONDS
# (default 60).
FUZZ_SECONDS ?= 60
fuzz: $(B)/.deps
	@mkdir -p $(B)/fuzz-corpus
	clang -std=c11 -D_GNU_SOURCE -g -O1 \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $(B)/fuzz-frontend test/fuzz/fuzz_frontend.c $(FRONT) $(IR) \
	  runtime/report.c -lm
	cp examples/*.tsr test/fuzz/seeds/*.tsr $(B)/fuzz-corpus/ 2>/dev/null; \
	$(B)/fuzz-frontend -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
	  -rss_limit_mb=2048 -max_len=8192 $(B)/fuzz-corpus

example: all
	./tessera check examples/quickstart.tsr
	./tessera ir examples/quickstart.tsr
	./tessera model examples/quickstart.tsr
	./tessera run examples/quickstart.tsr -o out/quickstart
	./tessera run examples/quickstart.tsr --naive
	./tessera sim examples/quickstart.tsr

clean:
	rm -rf build build-asan tessera tessera-asan out
