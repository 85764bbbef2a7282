# The two commands of the README: `make run` (install, build, demo database, serve) and `make check`
# (install, build with ASan+UBSan, run every test). Both are idempotent. CMake does the building.
DB      ?= phongdich-demo.db
LISTEN  ?= 127.0.0.1:8080
JOBS    ?= $(shell nproc)

.PHONY: run check build build-check deps deps-test unit api browser bench clean format

run: deps build
	@if [ ! -f "$(DB)" ]; then ./build/phongdich demo --db "$(DB)" --seed 1; fi
	./build/phongdich serve --db "$(DB)" --listen "$(LISTEN)" --announce-demo

check: deps-test build-check
	$(MAKE) --no-print-directory unit api browser
	@echo "make check: all tests passed"

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

build:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHONGDICH_SANITIZE=OFF >/dev/null
	@cmake --build build -j $(JOBS) --target phongdich

build-check:
	@cmake -S . -B build/check -DCMAKE_BUILD_TYPE=Debug -DPHONGDICH_SANITIZE=ON >/dev/null
	@cmake --build build/check -j $(JOBS)

unit:
	cd build/check && ctest --output-on-failure -j $(JOBS)

api:
	PHONGDICH_BIN=$(CURDIR)/build/check/phongdich node --test --test-concurrency=1 tests/api/

browser:
	PHONGDICH_BIN=$(CURDIR)/build/check/phongdich node --test --test-concurrency=1 tests/browser/

bench: deps-test
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPHONGDICH_SANITIZE=OFF >/dev/null
	@cmake --build build -j $(JOBS)
	bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'bench/*.c')

clean:
	rm -rf build
