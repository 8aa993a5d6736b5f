package main

import (
	"fmt"
	"io"
)

func cmdImport(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "medinventory import: not available in this build yet")
	return 2
}

func cmdExport(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "medinventory export: not available in this build yet")
	return 2
}

func cmdJobs(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "medinventory jobs: not available in this build yet")
	return 2
}
