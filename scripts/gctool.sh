#!/bin/sh
# Runs one Go tool (compile, link, asm, cgo, vet) with GOGC=400: `make test` passes this script to
# every go command as -toolexec (through GOFLAGS). It touches only the tools, never a test binary or
# the app (whose memory the tests measure), and the build cache's keys do not change: the tools'
# version lines are the same through it. Measured: compiling modernc.org/sqlite/lib, the largest
# package, took 22.6 s of CPU and 0.8 GB at the default GOGC=100, 17.2 s and 0.9 GB at 200, 15.9 s
# and 1.1 GB at 400; with -race 28.0 s and 0.9 GB at 100, 18.9 s and 1.45 GB at 400. From an empty
# build cache, `make test`'s build step took 225 s of CPU at 100 and 177 s at 400.
GOGC=400 exec "$@"
