package main

import (
	"os"
	"strings"

	"medinventory/analyzer"
	"medinventory/ui"
)

// Connection says which server, model and key the window's analyses actually use: the settings,
// else OPENAI_BASE_URL / OPENAI_MODEL, else OpenAI's defaults.
func (b *backend) Connection() ui.Connection {
	key, src := analyzer.LoadAPIKey()
	b.mu.RLock()
	s := b.settings
	b.mu.RUnlock()
	cfg := analyzerConfig(s, key)
	from := "default"
	switch {
	case s.BaseURL != "":
		from = "settings"
	case strings.TrimSpace(os.Getenv("OPENAI_BASE_URL")) != "":
		from = "environment"
	}
	return ui.Connection{BaseURL: cfg.BaseURL, BaseURLFrom: from, Model: cfg.Model, KeySource: src, OpenAI: cfg.IsOpenAI()}
}
