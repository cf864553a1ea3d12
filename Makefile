# Sluice: `make run` sets up, builds and runs the quickstart pipeline;
# `make test` sets up, builds and runs every test.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
SANITIZE ?=
PIPELINE ?= pipelines/quickstart.json

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSANITIZE=$(SANITIZE)

.PHONY: all setup configure build run editor test bench clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/sluice run $(PIPELINE)

# Opens the desktop editor on PIPELINE (needs a display; `xvfb-run make editor` without one).
editor: build
	$(BUILD_DIR)/bin/sluice-editor $(PIPELINE)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
