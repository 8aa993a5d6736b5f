; Medicine Inventory — Windows installer (NSIS 3, built on Linux by scripts/windows.sh with makensis).
;
; Per user, no administrator rights (clinic laptops are often locked down): the program goes to
; %LOCALAPPDATA%\Programs\Medicine Inventory, the shortcuts to the user's Start menu and desktop, the
; uninstall entry to HKCU. Installing a newer version over an older one is the update: same folder,
; the files are replaced, the inventory is untouched.
;
; The inventory itself (%LOCALAPPDATA%\MedicineInventory: database, photos, logs) is never written by
; the installer and is kept by the uninstaller unless the user ticks "Delete my inventory too".
;
; makensis -DVERSION=0.1.0 -DVERSION4=0.1.0.1 -DSRCDIR=<folder with the exes> -DICON=<.ico> -DOUTFILE=<setup.exe> installer.nsi

!ifndef VERSION | VERSION4 | SRCDIR | ICON | OUTFILE
  !error "scripts/windows.sh defines VERSION, VERSION4, SRCDIR, ICON and OUTFILE"
!endif

!define APPNAME   "Medicine Inventory"
!define APPEXE    "Medicine Inventory.exe"
!define CLIEXE    "medinventory.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MedicineInventory"
!define DATADIR   "$LOCALAPPDATA\MedicineInventory"

; A 64-bit installer for a 64-bit program (Windows 10 x64 or newer, as Go 1.26 requires); it also
; runs under a 64-bit-only Wine.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true
Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APPNAME} setup"
VIAddVersionKey "LegalCopyright" "Medicine Inventory contributors"

!include "MUI2.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APPEXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APPNAME} now"
!define MUI_WELCOMEPAGE_TEXT "This installs ${APPNAME} ${VERSION} for you alone; no administrator rights are needed.$\r$\n$\r$\nIf an older version is installed it is replaced. Your inventory (photos and database, in ${DATADIR}) is not touched.$\r$\n$\r$\nIf ${APPNAME} is open, close it before you continue."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_COMPONENTSPAGE_TEXT_TOP "The program is removed. Your inventory (photos, database and logs in ${DATADIR}) is kept unless you tick the box below."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; A running copy holds its exe open: NSIS then asks the user to close it and retry.
  File "${SRCDIR}\${APPEXE}"
  File "${SRCDIR}\${CLIEXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${APPEXE}" "" "$INSTDIR\${APPEXE}" 0
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${APPEXE}" "" "$INSTDIR\${APPEXE}" 0

  WriteRegStr   HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr   HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr   HKCU "${UNINSTKEY}" "Publisher" "Medicine Inventory contributors"
  WriteRegStr   HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${APPEXE},0"
  WriteRegStr   HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr   HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr   HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  SectionGetSize 0 $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "-un.Program"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$INSTDIR\${APPEXE}"
  Delete "$INSTDIR\${CLIEXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd

; Not ticked unless the user ticks it; a silent uninstall (/S) keeps the inventory too.
Section /o "un.Delete my inventory too" SecDeleteData
  SetShellVarContext current
  RMDir /r "${DATADIR}"
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDeleteData} "Deletes ${DATADIR}: every photo and the whole inventory. This cannot be undone; make a copy first if you may need them."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
