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
!include "LogicLib.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APPEXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APPNAME} now"
!define MUI_WELCOMEPAGE_TEXT "This installs ${APPNAME} ${VERSION} for you alone; no administrator rights are needed.$\r$\n$\r$\nIf an older version is installed it is replaced. Your inventory (photos and database, in ${DATADIR}) is not touched."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_COMPONENTSPAGE_TEXT_TOP "The program is removed. Your inventory (photos, database and logs in ${DATADIR}) is kept unless you tick the box below."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

; ---- Never half-do it while the program runs ------------------------------------------------
; A running exe cannot be replaced or deleted, but everything around it can: an update would leave
; the old window beside a new command line (which may upgrade the database the old window then
; refuses), an uninstall would leave a window exe that no longer has an uninstaller. So both check
; first, before they change anything, and refuse while either exe in $INSTDIR runs: interactively
; with "Close Medicine Inventory, then press Retry" (Cancel changes nothing); silently (/S) they exit
; with code ${EXIT_RUNNING} and change nothing.
;
; The check needs no plugin and no process list: it opens each installed exe for writing (and
; writes nothing). Windows keeps a running program's exe locked against writing, whoever started
; it and from whatever session; Wine does too. A file that is merely open elsewhere (an antivirus
; scan) fails the same way, and Retry is the right answer for that as well.
!define EXIT_RUNNING 3

; _RUNNING PATH SAYS: if PATH exists and cannot be opened for writing, sets $R0 to SAYS (unless an
; earlier check already set it).
!macro _RUNNING PATH SAYS
  ${If} $R0 == ""
  ${AndIf} ${FileExists} "${PATH}"
    ClearErrors
    FileOpen $R1 "${PATH}" a
    ${If} ${Errors}
      StrCpy $R0 "${SAYS}"
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
!macroend

; RefuseWhileRunning (un.RefuseWhileRunning): returns when neither exe in $INSTDIR runs; else asks
; until it does not, or quits (silent: at once) with exit code EXIT_RUNNING.
!macro REFUSE_WHILE_RUNNING UN WHAT
Function ${UN}RefuseWhileRunning
  retry:
  StrCpy $R0 ""
  !insertmacro _RUNNING "$INSTDIR\${APPEXE}" "${APPNAME} is open, so it cannot be ${WHAT} now.$\r$\n$\r$\nClose ${APPNAME}, then press Retry."
  !insertmacro _RUNNING "$INSTDIR\${CLIEXE}" "A medinventory command is running (in a console or a scheduled task), so ${APPNAME} cannot be ${WHAT} now.$\r$\n$\r$\nLet it finish or stop it, then press Retry."
  ${If} $R0 != ""
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$R0$\r$\n$\r$\nCancel stops here and changes nothing." /SD IDCANCEL IDRETRY retry
    SetErrorLevel ${EXIT_RUNNING}
    Quit
  ${EndIf}
FunctionEnd
!macroend
!insertmacro REFUSE_WHILE_RUNNING "" "updated"
!insertmacro REFUSE_WHILE_RUNNING "un." "uninstalled"

; $INSTDIR is already the installed folder here (InstallDirRegKey): a silent update is refused
; before anything is unpacked. The section checks again, for a folder chosen on the Directory page
; and for a window opened meanwhile.
Function .onInit
  Call RefuseWhileRunning
FunctionEnd

Function un.onInit
  Call un.RefuseWhileRunning
FunctionEnd

; A file that still cannot be written offers Retry and Cancel, never Ignore (which would leave
; the old exe beside the new one).
AllowSkipFiles off

Section "Install"
  SetShellVarContext current
  Call RefuseWhileRunning
  SetOutPath "$INSTDIR"
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
  Call un.RefuseWhileRunning
  ; The exes first: if one still cannot be deleted (opened in the moment since the check), the
  ; shortcuts, the Apps entry and this uninstaller stay, so that uninstalling again works.
  ClearErrors
  Delete "$INSTDIR\${APPEXE}"
  Delete "$INSTDIR\${CLIEXE}"
  ${If} ${Errors}
    MessageBox MB_OK|MB_ICONEXCLAMATION "${APPNAME} could not be removed completely: a file in $INSTDIR is in use.$\r$\n$\r$\nClose ${APPNAME}, then uninstall it again from Settings > Apps." /SD IDOK
    SetErrorLevel ${EXIT_RUNNING}
    Quit
  ${EndIf}
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
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
