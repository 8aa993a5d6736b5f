# Medicine Inventory. `make run` opens the app, `make test` runs every check; both install the
# system packages they need first (Debian/Ubuntu, via apt-get; elsewhere they say what to install).
GO       ?= go
BIN      ?= medinventory
HUB_BIN  ?= medinventory-hub
TAGS     := migrated_fynedo
TESTTAGS := ci,migrated_fynedo
FUZZTIME ?= 3s
# staticcheck at a fixed version, run from the module proxy: no install step, nothing put in PATH
# (measured: the first run downloads and builds it like `go install` would; later runs add ~1.6 s).
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The C compiler for cgo (only Fyne's OpenGL/GLFW driver has C code): clang where it is installed
# (scripts/deps.sh installs it on Debian/Ubuntu). With an empty build cache, cgo's analysis of the
# OpenGL bindings (github.com/go-gl/gl) took 228 s of CPU with gcc 12 and 34 s with clang 14
# (`CC=... GOCACHE=$$(mktemp -d) go build github.com/go-gl/gl/v2.1/gl`): gcc looks for a
# "did you mean" suggestion for each of the ~10,000 probes cgo makes it reject.
ifeq ($(origin CC),default)
CC := $(if $(shell command -v clang 2>/dev/null),clang,cc)
endif
export CC

# en_US.UTF-8 where it is installed (under LANG=C Fyne logs a harmless locale error); otherwise
# C.UTF-8, never a locale the machine lacks (apt and perl would print warnings about it).
ifeq ($(origin LANG),undefined)
LANG := $(if $(shell locale -a 2>/dev/null | grep -ix 'en_US.utf-*8'),en_US.UTF-8,C.UTF-8)
export LANG
endif

.PHONY: all deps deps-test build hub hub-check run test vet vet-linux vet-windows lint fmt-check unit test-race test-plain test-root test-nodynamic test-libheif smoke fuzz bench soak package windows fresh-check clean lane1 lane2

all: build

deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN)

# The district hub's binary for a server without a screen: pure Go (no cgo), so static, without the
# window (-tags hub leaves out gui.go, wiring_backups.go, wiring_settings.go and so ui, Fyne, GLFW;
# nodynamic: HEIC through WebAssembly, no dlopen of libheif). The same commands, minus the window.
HUBTAGS := hub,nodynamic,$(TAGS)
hub:
	CGO_ENABLED=0 $(GO) build -tags $(HUBTAGS) -trimpath -ldflags='-s -w' -o $(HUB_BIN) .

# The hub's binary is static (file says so, ldd finds nothing), and the root package stays the
# composition only: at most 6 non-test .go files, whatever the build (the window's and the hub's
# files together).
hub-check: hub
	@file $(HUB_BIN) | grep -q 'statically linked' || { echo "$(HUB_BIN) is not static:"; file $(HUB_BIN); exit 1; }
	@if ldd $(HUB_BIN) >/dev/null 2>&1; then echo "ldd finds libraries in $(HUB_BIN):"; ldd $(HUB_BIN); exit 1; fi
	@$(abspath $(HUB_BIN)) 2>&1 | grep -q 'no window' || { echo "$(HUB_BIN) without a command should say it has no window"; exit 1; }
	@n=$$(ls *.go | grep -vc '_test\.go$$'); \
		[ "$$n" -le 6 ] || { echo "the root package has $$n non-test .go files (at most 6: main.go and the wiring, the composition only)"; exit 1; }

# Also: no non-test Go file over 700 lines (split it by concept; tests and generated files aside).
fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	@long="$$(for f in $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'); do case $$f in *_test.go) continue;; esac; \
		n=$$(wc -l <"$$f"); [ "$$n" -gt 700 ] && echo "  $$f: $$n lines"; done)"; \
	if [ -n "$$long" ]; then echo "Go files over 700 lines (split them by concept):"; echo "$$long"; exit 1; fi

# vet-windows type-checks every package and its tests, Windows-only files included, as Windows
# builds them, and runs go vet's checks on them (tools/vetsource). It type-checks the dependencies
# from source instead of compiling them for Windows as `GOOS=windows go vet` does only for their
# export data: from an empty build cache 30 s of CPU instead of 131 s (even with -gcflags='all=-N -l'),
# for more memory at once (it holds every package's syntax and types: 2.8 GB at its peak).
# With cgo off it needs no MinGW and compiles no C (our code has none; only Fyne's OpenGL driver has).
vet: vet-linux vet-windows
vet-linux:
	$(GO) vet -tags $(TESTTAGS) ./...
vet-windows:
	$(GO) -C tools/vetsource run . -C $(CURDIR) -goos windows -tags $(TESTTAGS) ./...

# go.mod and go.sum as `go mod tidy` leaves them, and staticcheck clean.
lint:
	$(GO) mod tidy -diff
	$(STATICCHECK) -tags $(TESTTAGS) ./...

# Packages without goroutines of their own: the race detector could find nothing there, and it
# makes their image loops 3-8× slower (analyzer/barcode then runs its full-size cases). Every other
# package — a new one too — is tested with -race.
PURE_PKGS := analyzer/answer analyzer/barcode analyzer/exif analyzer/wait assets assets/i18n ui/localefix store/export store/look store/fields store/photo store/stock store/storetest
ALL_PKGS  := $(shell $(GO) list ./... 2>/dev/null | sed -n 's|^medinventory/||p' | grep -vx '')
# The slowest first, so that go test starts them first and the run does not end on one of them alone.
SLOW_RACE := ui analyzer/pipeline store jobs
RACE_PKGS := $(SLOW_RACE) $(filter-out $(PURE_PKGS) $(SLOW_RACE),$(filter-out medinventory,$(ALL_PKGS)))

# The package tests run with -vet=off: `make vet` runs every vet check on every package, test files
# included, so go test's own subset of it would only redo work. One `go test` per kind of build, so
# a dependency is compiled once per kind (two `go test` processes side by side would each compile it).
unit: test-race test-plain test-root test-nodynamic test-libheif

# -race also turns on the compiler's checkptr instrumentation (the unsafe.Pointer rules): kept for
# this module's packages, off for its dependencies, where it cost a fifth of the -race tests' CPU
# (modernc.org/sqlite's translated C and go-text's font parsing are made of unsafe pointer
# arithmetic; warm: 196 s of CPU with it, 152 s without). Every package stays race-instrumented.
# The race build is made for these tests only, so it carries no DWARF debug information (a race
# report still names files and lines, from the symbol table): 6% less CPU to compile it cold.
RACEFLAGS := -race -gcflags='all=-d=checkptr=0 -dwarf=false' -gcflags='medinventory/...=-d=checkptr=1 -dwarf=false' -ldflags=-w
test-race:
	$(GO) test $(RACEFLAGS) -vet=off -tags $(TESTTAGS) -count=1 -timeout 8m $(addprefix ./,$(RACE_PKGS))

test-plain:
	$(GO) test -vet=off -tags $(TESTTAGS) -count=1 -timeout 8m $(addprefix ./,$(PURE_PKGS))
	$(GO) test -vet=off -tags $(TESTTAGS) -count=1 -timeout 8m -run '^TestRender' ./ui

# HEIC through gen2brain/heic's WebAssembly decoder: the other runs use the system libheif when
# it is installed (scripts/deps.sh installs it), and both must work.
test-nodynamic:
	$(GO) test -vet=off -tags $(TESTTAGS),nodynamic -count=1 -run 'HEIC|Size' ./store/photo/heif/ ./analyzer/ ./store/
	$(GO) test -vet=off -tags $(TESTTAGS),nodynamic -count=1 ./store/photo/heicwasm/

# The system libheif's memory test, without -race (whose shadow memory blurs what it measures; the
# -race run of analyzer keeps only its coarse check).
test-libheif:
	$(GO) test -vet=off -tags $(TESTTAGS) -count=1 -run 'ReleasesLibheif' ./analyzer/

# One package: `make test-race/store`, `make test-plain/analyzer/barcode`.
test-race/%:
	$(GO) test $(RACEFLAGS) -tags $(TESTTAGS) -count=1 -timeout 8m ./$*

test-plain/%:
	$(GO) test -tags $(TESTTAGS) -count=1 -timeout 8m ./$*

# The root package's tests drive the real binary as a separate process (end to end, crash, bad
# input): they use the one `build` made (no second cold cgo build of the OpenGL driver), and run
# without -race, which would instrument only the test driver. The pool, the handler and the window
# are race-tested in their own packages.
test-root: build
	MEDINVENTORY_BIN=$(CURDIR)/$(BIN) $(GO) test -vet=off -short -tags $(TESTTAGS) -count=1 -timeout 8m .

smoke: build
	bash scripts/smoke.sh ./$(BIN)

# Each fuzz target runs briefly in `make test`, longer in `make soak`.
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# `make test` runs every check above in two lanes side by side, each check printing when it starts
# and ends. Lane 1 holds the longest chain: the binary, then what needs it, then the other checks
# that reuse its ordinary build, then the Windows and fuzzing builds. Lane 2 holds the -race build
# and tests, at lower CPU priority so that lane 1's chain is never starved; lane 2 uses what CPU
# lane 1 leaves. The Go tools run with GOGC=400 (scripts/gctool.sh): less of the compiler's time goes
# to collecting garbage, for a few hundred MB more per compiler. Measured from a fresh clone with an
# empty build cache (2 cores): see issue 11's note.
STEP := bash scripts/step.sh
test: deps-test fmt-check
	@echo "make test: two lanes side by side; each check prints ▶ when it starts and ✔ when it passes."
	@echo "make test: with an empty build cache the first ✔ takes a few minutes: every dependency compiles once per kind of build."
	@GOFLAGS="$(GOFLAGS) -toolexec=$(CURDIR)/scripts/gctool.sh" $(MAKE) --no-print-directory -j2 lane1 lane2
	@echo "make test: all checks passed"

lane1:
	@$(STEP) build $(MAKE) --no-print-directory -s build
	@$(STEP) "end-to-end tests (the binary)" $(MAKE) --no-print-directory -s test-root
	@$(STEP) "smoke test (the window under Xvfb)" $(MAKE) --no-print-directory -s smoke
	@$(STEP) "go vet" $(MAKE) --no-print-directory -s vet-linux
	@$(STEP) "the hub's static binary, without the window (make hub)" $(MAKE) --no-print-directory -s hub-check
	@$(STEP) "tests without -race ($(PURE_PKGS); ui's render tests)" $(MAKE) --no-print-directory -s test-plain
	@$(STEP) "HEIC without libheif (-tags nodynamic)" $(MAKE) --no-print-directory -s test-nodynamic
	@$(STEP) "libheif's memory, without -race" $(MAKE) --no-print-directory -s test-libheif
	@$(STEP) "go mod tidy -diff, staticcheck" $(MAKE) --no-print-directory -s lint
	@$(STEP) "go vet for Windows" $(MAKE) --no-print-directory -s vet-windows
	@$(STEP) "fuzzing" $(MAKE) --no-print-directory -s fuzz

lane2:
	@$(STEP) "tests with -race" nice -n 10 $(MAKE) --no-print-directory -s test-race

bench:
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

soak: build
	bash scripts/soak.sh
	$(MAKE) fuzz FUZZTIME=60s

package: deps
	bash scripts/package.sh

# dist/medinventory-<version>-windows-amd64-setup.exe (NSIS, per user) and the portable .zip,
# cross-built with MinGW; see docs/DEPLOY.md.
windows:
	@bash scripts/deps.sh windows
	bash scripts/windows.sh

# Builds in a brand-new minimal Debian bookworm (debootstrap), with only what scripts/deps.sh
# installs: catches a missing system package. Needs root or sudo and the network; about 4-6 minutes.
fresh-check:
	@bash scripts/deps.sh fresh
	bash scripts/fresh-check.sh

clean:
	rm -f $(BIN) $(HUB_BIN)
	rm -rf dist
