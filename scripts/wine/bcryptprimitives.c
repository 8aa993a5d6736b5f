/* Stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks and Go 1.24+ binaries load for
   ProcessPrng (the runtime's random source). Implemented with RtlGenRandom (advapi32). Test use only. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
