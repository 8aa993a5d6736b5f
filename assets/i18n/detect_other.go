//go:build !windows

package i18n

func systemLocale() string { return "" }
