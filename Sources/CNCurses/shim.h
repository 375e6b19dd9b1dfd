#ifndef STORETOP_CNCURSES_SHIM_H
#define STORETOP_CNCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <ncurses.h>

/* What Swift cannot import (macros) or rejects in Swift 6 mode (global mutable state). */
static inline WINDOW *storetop_stdscr(void) { return stdscr; }
static inline int storetop_lines(void) { return LINES; }
static inline int storetop_cols(void) { return COLS; }
static inline int storetop_colors(void) { return COLORS; }
static inline int storetop_color_pairs(void) { return COLOR_PAIRS; }
static inline void storetop_set_escdelay(int ms) { ESCDELAY = ms; }
static inline attr_t storetop_a_bold(void) { return A_BOLD; }
static inline attr_t storetop_a_dim(void) { return A_DIM; }
static inline attr_t storetop_a_reverse(void) { return A_REVERSE; }
static inline attr_t storetop_a_underline(void) { return A_UNDERLINE; }
static inline int storetop_key_f(int n) { return KEY_F(n); }
static inline int storetop_key_btab(void) { return KEY_BTAB; }
#endif
