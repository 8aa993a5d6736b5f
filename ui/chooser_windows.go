package ui

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"medinventory/assets/i18n"

	"golang.org/x/sys/windows"
)

// On Windows the desktop's own file chooser is the common Open dialog (comdlg32), with several
// files selectable at once.

var (
	comdlg32             = windows.NewLazySystemDLL("comdlg32.dll")
	procGetOpenFileNameW = comdlg32.NewProc("GetOpenFileNameW")
	procGetSaveFileNameW = comdlg32.NewProc("GetSaveFileNameW")
	procCommDlgExtError  = comdlg32.NewProc("CommDlgExtendedError")
)

// openFileNameW is OPENFILENAMEW.
type openFileNameW struct {
	structSize    uint32
	owner         uintptr
	instance      uintptr
	filter        *uint16
	customFilter  *uint16
	maxCustFilter uint32
	filterIndex   uint32
	file          *uint16
	maxFile       uint32
	fileTitle     *uint16
	maxFileTitle  uint32
	initialDir    *uint16
	title         *uint16
	flags         uint32
	fileOffset    uint16
	fileExtension uint16
	defExt        *uint16
	custData      uintptr
	hook          uintptr
	templateName  *uint16
	reserved      unsafe.Pointer
	reservedDword uint32
	flagsEx       uint32
}

const (
	ofnAllowMultiSelect = 0x00000200
	ofnExplorer         = 0x00080000
	ofnFileMustExist    = 0x00001000
	ofnPathMustExist    = 0x00000800
	ofnNoChangeDir      = 0x00000008
	ofnOverwritePrompt  = 0x00000002
)

func init() {
	nativeOpenFiles = func(title string) ([]string, error) {
		if err := procGetOpenFileNameW.Find(); err != nil {
			return nil, fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		buf := make([]uint16, 1<<16)
		filter := utf16List(i18n.T("Photos"), "*.jpg;*.jpeg;*.png;*.webp;*.gif;*.heic;*.heif", i18n.T("All files"), "*.*")
		t, _ := windows.UTF16PtrFromString(title)
		ofn := openFileNameW{filter: &filter[0], file: &buf[0], maxFile: uint32(len(buf)), title: t,
			flags: ofnAllowMultiSelect | ofnExplorer | ofnFileMustExist | ofnPathMustExist | ofnNoChangeDir}
		ofn.structSize = uint32(unsafe.Sizeof(ofn))
		ok, _, _ := procGetOpenFileNameW.Call(uintptr(unsafe.Pointer(&ofn)))
		if ok == 0 {
			if code, _, _ := procCommDlgExtError.Call(); code != 0 {
				return nil, fmt.Errorf("%w: common dialog error %#x", errNoNativeChooser, code)
			}
			return nil, nil // cancelled
		}
		return parseMultiSelect(buf), nil
	}
}

func init() {
	// The common Save dialog only returns the name (the file is written later, whole, through
	// store/outfile); it asks before replacing an existing file.
	nativeSaveFile = func(title, folder, name, ext string) (string, error) {
		if err := procGetSaveFileNameW.Find(); err != nil {
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		buf := make([]uint16, 1<<15)
		if n, err := windows.UTF16FromString(name); err == nil && len(n) < len(buf) {
			copy(buf, n)
		}
		filter := utf16List(i18n.T("%s file", strings.ToUpper(strings.TrimPrefix(ext, "."))), "*"+ext, i18n.T("All files"), "*.*")
		t, _ := windows.UTF16PtrFromString(title)
		ofn := openFileNameW{filter: &filter[0], file: &buf[0], maxFile: uint32(len(buf)), title: t,
			flags: ofnExplorer | ofnPathMustExist | ofnNoChangeDir | ofnOverwritePrompt}
		if folder != "" {
			ofn.initialDir, _ = windows.UTF16PtrFromString(folder)
		}
		if ext != "" {
			ofn.defExt, _ = windows.UTF16PtrFromString(strings.TrimPrefix(ext, "."))
		}
		ofn.structSize = uint32(unsafe.Sizeof(ofn))
		ok, _, _ := procGetSaveFileNameW.Call(uintptr(unsafe.Pointer(&ofn)))
		if ok == 0 {
			if code, _, _ := procCommDlgExtError.Call(); code != 0 {
				return "", fmt.Errorf("%w: common dialog error %#x", errNoNativeChooser, code)
			}
			return "", nil // cancelled
		}
		return windows.UTF16ToString(buf), nil
	}
	// The chooser's places list the drive letters that are there (C:\, a USB stick's E:\).
	listDrives = func() []place {
		mask, err := windows.GetLogicalDrives()
		if err != nil {
			return nil
		}
		var out []place
		for i := 0; i < 26; i++ {
			if mask&(1<<uint(i)) == 0 {
				continue
			}
			root := string(rune('A'+i)) + `:\`
			out = append(out, place{name: root, path: root, drive: true})
		}
		return out
	}
}

func init() {
	// One file: the common Open dialog. A folder: the built-in chooser (the folder picker is a
	// COM dialog, out of reach of this plain call).
	nativePickOne = func(title, start, ext string, folder bool) (string, error) {
		if folder {
			return "", fmt.Errorf("%w: no folder picker here", errNoNativeChooser)
		}
		if err := procGetOpenFileNameW.Find(); err != nil {
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		buf := make([]uint16, 1<<15)
		filter := utf16List(i18n.T("%s file", strings.ToUpper(strings.TrimPrefix(ext, "."))), "*"+ext, i18n.T("All files"), "*.*")
		t, _ := windows.UTF16PtrFromString(title)
		ofn := openFileNameW{filter: &filter[0], file: &buf[0], maxFile: uint32(len(buf)), title: t,
			flags: ofnExplorer | ofnFileMustExist | ofnPathMustExist | ofnNoChangeDir}
		if start != "" {
			ofn.initialDir, _ = windows.UTF16PtrFromString(start)
		}
		ofn.structSize = uint32(unsafe.Sizeof(ofn))
		ok, _, _ := procGetOpenFileNameW.Call(uintptr(unsafe.Pointer(&ofn)))
		if ok == 0 {
			if code, _, _ := procCommDlgExtError.Call(); code != 0 {
				return "", fmt.Errorf("%w: common dialog error %#x", errNoNativeChooser, code)
			}
			return "", nil // cancelled
		}
		return windows.UTF16ToString(buf), nil
	}
}

// utf16List is a double-NUL-terminated list of NUL-terminated strings, as the filter wants it.
func utf16List(ss ...string) []uint16 {
	var out []uint16
	for _, s := range ss {
		u, _ := windows.UTF16FromString(s)
		out = append(out, u...)
	}
	return append(out, 0)
}
