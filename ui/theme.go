package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// bigTheme is Fyne's default theme with slightly larger text, and a focus ring that can be seen,
// for tired eyes, old screens and people who work by keyboard.
type bigTheme struct{}

func (bigTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameFocus {
		// A focus ring people can see: the primary colour, nearly opaque (Fyne's is faint).
		return withAlpha(theme.DefaultTheme().Color(theme.ColorNamePrimary, v), 0xd8)
	}
	return theme.DefaultTheme().Color(n, v)
}
func (bigTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (bigTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (bigTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 15
	case theme.SizeNameHeadingText:
		return 26
	case theme.SizeNameSubHeadingText:
		return 19
	case theme.SizeNameInputBorder:
		return 2 // the focused field's ring is drawn this thick
	}
	return theme.DefaultTheme().Size(n)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
