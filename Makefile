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

.PHONY: all deps deps-test build run test vet lint fmt-check unit unit-smoke smoke fuzz bench soak package fresh-check clean

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

vet:
	$(GO) vet -tags $(TESTTAGS) ./...

# go.mod and go.sum as `go mod tidy` leaves them, and staticcheck clean.
lint:
	$(GO) mod tidy -diff
	$(STATICCHECK) -tags $(TESTTAGS) ./...

# Every package with the race detector, except the root package: its tests drive the real binary
# as a separate process (end to end, crash, bad input), where -race would only instrument the test
# driver yet cost a second cold build of the OpenGL driver's C code with ThreadSanitizer (~3 min).
# The pool, the handler and the window are race-tested in their own packages.
unit:
	$(GO) test -race -tags $(TESTTAGS) -count=1 -timeout 8m $$($(GO) list ./... | grep -v '^medinventory$$')
	$(GO) test -short -tags $(TESTTAGS) -count=1 -timeout 8m .

smoke: build
	bash scripts/smoke.sh ./$(BIN)

# Each fuzz target runs briefly in `make test`, longer in `make soak`.
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# The unit tests and the fuzz runs go side by side: much of the unit time is spent waiting (the
# end-to-end tests wait on the binary, the fake server and the watched folder), which the fuzz
# targets' instrumented builds fill.
test: deps-test fmt-check vet lint
	@$(MAKE) --no-print-directory -j2 -O unit-smoke fuzz
	@echo "make test: all checks passed"

unit-smoke: unit
	@$(MAKE) --no-print-directory smoke

bench:
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

soak: build
	bash scripts/soak.sh
	$(MAKE) fuzz FUZZTIME=60s

package: deps
	bash scripts/package.sh

# Builds in a brand-new minimal Debian bookworm (debootstrap), with only what scripts/deps.sh
# installs: catches a missing system package. Needs root or sudo and the network; 10-20 minutes.
fresh-check:
	@bash scripts/deps.sh fresh
	bash scripts/fresh-check.sh

clean:
	rm -f $(BIN)
	rm -rf dist
