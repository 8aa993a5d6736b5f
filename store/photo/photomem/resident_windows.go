package photomem

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// processMemoryCounters is Windows' PROCESS_MEMORY_COUNTERS (psapi.h).
type processMemoryCounters struct {
	cb                         uint32
	pageFaultCount             uint32
	peakWorkingSetSize         uintptr
	workingSetSize             uintptr
	quotaPeakPagedPoolUsage    uintptr
	quotaPagedPoolUsage        uintptr
	quotaPeakNonPagedPoolUsage uintptr
	quotaNonPagedPoolUsage     uintptr
	pagefileUsage              uintptr
	peakPagefileUsage          uintptr
}

var getProcessMemoryInfo = windows.NewLazySystemDLL("kernel32.dll").NewProc("K32GetProcessMemoryInfo")

// residentBytes is the process's working set (what Task Manager's "Memory" column is drawn from,
// and the counterpart of Linux's RSS), from K32GetProcessMemoryInfo (Windows 7 and later).
func residentBytes() (int64, bool) {
	if getProcessMemoryInfo.Find() != nil {
		return 0, false
	}
	c := processMemoryCounters{cb: uint32(unsafe.Sizeof(processMemoryCounters{}))}
	ok, _, _ := getProcessMemoryInfo.Call(uintptr(windows.CurrentProcess()), uintptr(unsafe.Pointer(&c)), uintptr(c.cb))
	if ok == 0 {
		return 0, false
	}
	return int64(c.workingSetSize), true
}
