#ifndef STORETOP_FUZZ_DRIVER_H
#define STORETOP_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>
/* libFuzzer's driver entry point (libclang_rt.fuzzer_no_main), linked only into fuzzing builds (scripts/fuzz). */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
