# Medicine Inventory. `make run` opens the app, `make test` runs every check; both install the
# system packages they need first (Debian/Ubuntu, via apt-get; elsewhere they say what to install).
GO       ?= go
BIN      ?= medinventory
TAGS     := migrated_fynedo
TESTTAGS := ci,migrated_fynedo
FUZZTIME ?= 3s
# staticcheck at a fixed version, run from the module proxy: no install step, nothing put in PATH
# (measured: the first run downloads and builds it like `go install` would; later runs add ~1.6 s).
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# en_US.UTF-8 where it is installed (under LANG=C Fyne logs a harmless locale error); otherwise
# C.UTF-8, never a locale the machine lacks (apt and perl would print warnings about it).
ifeq ($(origin LANG),undefined)
LANG := $(if $(shell locale -a 2>/dev/null | grep -ix 'en_US.utf-*8'),en_US.UTF-8,C.UTF-8)
export LANG
endif

.PHONY: all deps deps-test build run test vet lint fmt-check unit test-root test-nodynamic smoke fuzz bench soak package windows fresh-check clean

all: build

deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN)

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# The second line type-checks every package, Windows-only files included, as Windows builds them.
# With cgo off it needs no MinGW and compiles no C (our code has none; only Fyne's OpenGL driver has).
vet:
	$(GO) vet -tags $(TESTTAGS) ./...
	GOOS=windows CGO_ENABLED=0 $(GO) vet -tags $(TESTTAGS) ./...

# go.mod and go.sum as `go mod tidy` leaves them, and staticcheck clean.
lint:
	$(GO) mod tidy -diff
	$(STATICCHECK) -tags $(TESTTAGS) ./...

# Packages without goroutines of their own: the race detector could find nothing there, and it
# makes their image loops 3-8× slower (analyzer/barcode then runs its full-size cases). Every other
# package — a new one too — is tested with -race.
PURE_PKGS := analyzer/barcode analyzer/wait assets ui/localefix store/export store/fields store/photo store/stock
ALL_PKGS  := $(shell $(GO) list ./... 2>/dev/null | sed -n 's|^medinventory/||p')
RACE_PKGS := $(filter-out $(PURE_PKGS),$(ALL_PKGS))

# One target per package, so `make -j2 -O` prints each package's result as it finishes instead of
# staying silent for minutes. The slowest first.
UNIT := test-race/ui test-race/analyzer/pipeline test-plain/analyzer/barcode \
	$(addprefix test-race/,$(filter-out ui analyzer/pipeline,$(RACE_PKGS))) \
	$(addprefix test-plain/,$(filter-out analyzer/barcode,$(PURE_PKGS))) test-root test-nodynamic
unit: $(UNIT)

# HEIC through gen2brain/heic's WebAssembly decoder: the other runs use the system libheif when
# it is installed (scripts/deps.sh installs it), and both must work.
test-nodynamic:
	@echo "test: HEIC without the system libheif (-tags nodynamic)"
	@$(GO) test -tags $(TESTTAGS),nodynamic -count=1 -run 'HEIC|Size' ./store/photo/heif/ ./analyzer/ ./store/

test-race/%:
	@echo "test: ./$* (race)"
	@$(GO) test -race -tags $(TESTTAGS) -count=1 -timeout 8m ./$*

test-plain/%:
	@echo "test: ./$*"
	@$(GO) test -tags $(TESTTAGS) -count=1 -timeout 8m ./$*

# The root package's tests drive the real binary as a separate process (end to end, crash, bad
# input): they use the one `build` made (no second cold cgo build of the OpenGL driver), and run
# without -race, which would instrument only the test driver. The pool, the handler and the window
# are race-tested in their own packages.
test-root: build
	@echo "test: . (the binary, end to end)"
	@MEDINVENTORY_BIN=$(CURDIR)/$(BIN) $(GO) test -short -tags $(TESTTAGS) -count=1 -timeout 8m .

smoke: build
	bash scripts/smoke.sh ./$(BIN)

# Each fuzz target runs briefly in `make test`, longer in `make soak`.
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# Everything after the formatting check runs two at a time, each check printing when it is done:
# the binary is built first (the slow cgo build of the OpenGL driver, once), the package tests,
# vet, staticcheck, the fuzz runs and the smoke test of the real window fill the two cores.
test: deps-test fmt-check
	@echo "make test: build, vet, lint, unit tests, fuzz and smoke, two at a time; each check prints when it is done."
	@echo "make test: with an empty build cache the first results take several minutes (the C code of the OpenGL driver compiles once)."
	@$(MAKE) --no-print-directory -j2 -O build $(UNIT) vet lint fuzz smoke
	@echo "make test: all checks passed"

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
# installs: catches a missing system package. Needs root or sudo and the network; 10-20 minutes.
fresh-check:
	@bash scripts/deps.sh fresh
	bash scripts/fresh-check.sh

clean:
	rm -f $(BIN)
	rm -rf dist
