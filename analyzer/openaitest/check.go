package openaitest

// Checking a request as the real API would: the body against OpenAI's published request schema,
// then what the schema cannot say (model, messages, image data URLs of real images, strict
// response schemas). Also the checks tests make on what left the machine (HasEXIF).

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // decode uploads
	_ "image/png"
	"regexp"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/chat-request.schema.json
var requestSchemaJSON []byte

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

func requestSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(requestSchemaJSON))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("chat-request.schema.json", doc); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile("chat-request.schema.json")
	})
	return schema, schemaErr
}

// Image is one image a request carried.
type Image struct {
	MIME   string // from the data URL
	Detail string
	Data   []byte // decoded
	Format string // as image.DecodeConfig saw it: "jpeg", "png"
	Width  int
	Height int
}

func validateAgainstSchema(body []byte) string {
	sch, err := requestSchema()
	if err != nil {
		return "openaitest: the request schema does not compile: " + err.Error()
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return "We could not parse the JSON body of your request."
	}
	if err := sch.Validate(doc); err != nil {
		return "The request does not match OpenAI's published schema: " + err.Error()
	}
	return ""
}

var dataURL = regexp.MustCompile(`^data:(image/(?:jpeg|png|webp|gif));base64,`)

var schemaName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkChat checks what the real API checks and the published schema cannot say.
func checkChat(body map[string]any) (images []Image, problem, param string) {
	if m, _ := body["model"].(string); m == "" {
		return nil, "you must provide a model parameter", "model"
	}
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return nil, "[] is too short - 'messages'", "messages"
	}
	sawJSON := false
	for mi, mv := range msgs {
		m, _ := mv.(map[string]any)
		switch c := m["content"].(type) {
		case string:
			sawJSON = sawJSON || strings.Contains(strings.ToLower(c), "json")
		case []any:
			for pi, pv := range c {
				p, _ := pv.(map[string]any)
				switch p["type"] {
				case "text":
					t, _ := p["text"].(string)
					sawJSON = sawJSON || strings.Contains(strings.ToLower(t), "json")
				case "image_url":
					iu, _ := p["image_url"].(map[string]any)
					u, _ := iu["url"].(string)
					img, prob := decodeImage(u)
					if prob != "" {
						return nil, prob, fmt.Sprintf("messages.[%d].content.[%d].image_url", mi, pi)
					}
					img.Detail, _ = iu["detail"].(string)
					images = append(images, img)
				}
			}
		}
	}
	rf, _ := body["response_format"].(map[string]any)
	switch rf["type"] {
	case "json_object":
		if !sawJSON {
			return nil, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages"
		}
	case "json_schema":
		js, _ := rf["json_schema"].(map[string]any)
		name, _ := js["name"].(string)
		if !schemaName.MatchString(name) {
			return nil, fmt.Sprintf("Invalid 'response_format.json_schema.name': string does not match pattern. Got %q.", name), "response_format.json_schema.name"
		}
		sch, ok := js["schema"].(map[string]any)
		if !ok {
			return nil, "Missing required parameter: 'response_format.json_schema.schema'.", "response_format.json_schema.schema"
		}
		if strict, _ := js["strict"].(bool); strict {
			if p := checkStrict(sch, "()"); p != "" {
				return nil, fmt.Sprintf("Invalid schema for response_format '%s': %s", name, p), "response_format"
			}
		}
	}
	return images, "", ""
}

func decodeImage(u string) (Image, string) {
	const bad = "You uploaded an unsupported image. Please make sure your image is valid."
	m := dataURL.FindStringSubmatch(u)
	if m == nil {
		if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			return Image{}, "openaitest: the app must send images as base64 data URLs, not links"
		}
		return Image{}, "Invalid 'image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got an invalid value."
	}
	data, err := base64.StdEncoding.DecodeString(u[len(m[0]):])
	if err != nil {
		return Image{}, "Invalid base64 image_url."
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, bad
	}
	if "image/"+format != m[1] {
		return Image{}, fmt.Sprintf("openaitest: the data URL says %s but the bytes are %s", m[1], format)
	}
	return Image{MIME: m[1], Data: data, Format: format, Width: cfg.Width, Height: cfg.Height}, ""
}

// checkStrict applies Structured Outputs' rules for strict schemas: every object lists all its
// properties in required and sets additionalProperties false.
func checkStrict(s map[string]any, ctx string) string {
	if t, _ := s["type"].(string); t == "object" {
		if ap, ok := s["additionalProperties"].(bool); !ok || ap {
			return fmt.Sprintf("In context=%s, 'additionalProperties' is required to be supplied and to be false.", ctx)
		}
		props, _ := s["properties"].(map[string]any)
		req := map[string]bool{}
		list, _ := s["required"].([]any)
		for _, r := range list {
			if rs, ok := r.(string); ok {
				req[rs] = true
			}
		}
		for k, v := range props {
			if !req[k] {
				return fmt.Sprintf("In context=%s, 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.", ctx, k)
			}
			if sub, ok := v.(map[string]any); ok {
				if p := checkStrict(sub, ctx+", 'properties', '"+k+"'"); p != "" {
					return p
				}
			}
		}
	}
	if _, ok := s["nullable"]; ok {
		return fmt.Sprintf("In context=%s, 'nullable' is not permitted.", ctx)
	}
	if items, ok := s["items"].(map[string]any); ok {
		if p := checkStrict(items, ctx+", 'items'"); p != "" {
			return p
		}
	}
	for _, k := range []string{"anyOf"} {
		if arr, ok := s[k].([]any); ok {
			for i, a := range arr {
				if sub, ok := a.(map[string]any); ok {
					if p := checkStrict(sub, fmt.Sprintf("%s, '%s', %d", ctx, k, i)); p != "" {
						return p
					}
				}
			}
		}
	}
	return ""
}

// HasEXIF reports whether a JPEG carries an EXIF block (an APP1 segment starting "Exif\0\0").
// It walks the JPEG's segments up to the image data.
func HasEXIF(jpeg []byte) bool {
	if len(jpeg) < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
		return false
	}
	i := 2
	for i+4 <= len(jpeg) {
		if jpeg[i] != 0xFF {
			return false
		}
		marker := jpeg[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end: no more metadata
			return false
		}
		n := int(jpeg[i+2])<<8 | int(jpeg[i+3])
		if n < 2 || i+2+n > len(jpeg) {
			return false
		}
		if marker == 0xE1 && bytes.HasPrefix(jpeg[i+4:i+2+n], []byte("Exif\x00\x00")) {
			return true
		}
		i += 2 + n
	}
	return false
}
