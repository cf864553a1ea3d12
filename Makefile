# Sluice: `make run` sets up, builds the `sluice` command and runs the
# quickstart pipeline; `make test` sets up, builds everything and runs every
# test. CONTRIBUTING.md lists the other targets.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
SANITIZE ?=
WERROR ?= 0
PIPELINE ?= pipelines/quickstart.json
# `make test-asan` builds here, apart from the normal build.
ASAN_BUILD_DIR ?= build-asan
# `make fuzz`: its build folder (clang, libFuzzer, ASan + UBSan) and the
# seconds each fuzz target runs.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSANITIZE=$(SANITIZE) -DSLUICE_WERROR=$(WERROR)

.PHONY: all setup configure build run editor test test-asan fuzz bench format format-check clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only what the quickstart needs: the `sluice` command and its libraries.
run: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target sluice
	$(BUILD_DIR)/bin/sluice run $(PIPELINE)

# Opens the desktop editor on PIPELINE (needs a display; `xvfb-run make editor` without one).
editor: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target sluice-editor
	$(BUILD_DIR)/bin/sluice-editor $(PIPELINE)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The core, exec, observe and operator tests under ASan and UBSan (CTest label
# `runtime`); any report fails the test. -O1 as ASan advises: much quicker to
# build than -O2 and fast enough to run; asserts stay on.
test-asan: setup
	@cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
	  -DSANITIZE=address,undefined -DSLUICE_WERROR=$(WERROR) > /dev/null
	@cmake --build $(ASAN_BUILD_DIR) -j $(JOBS) --target sluice_runtime_tests
	cd $(ASAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L runtime

# The fuzz targets of fuzz/ (see fuzz/README.md), each for FUZZ_SECONDS on a
# copy of its seed corpus; fails on any finding, whose input lands in
# $(FUZZ_BUILD_DIR)/crashes/<target>/.
fuzz: setup
	@cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_CXX_COMPILER=clang++ -DSLUICE_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE= -DSLUICE_WERROR=OFF > /dev/null
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target sluice_fuzz_targets
	@bash scripts/fuzz.sh --build-dir $(FUZZ_BUILD_DIR) --seconds $(FUZZ_SECONDS)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

format: setup
	@bash scripts/format.sh

format-check: setup
	@bash scripts/format.sh --check

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
