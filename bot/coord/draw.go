package coord

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// dejaVuSans has Latin, Turkish and French letters, and Arabic with its
// presentation forms (DejaVu Sans 2.37, Bitstream Vera licence: see
// fonts/LICENSE).
//
//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

var (
	fontOnce sync.Once
	fontData *opentype.Font
	fontErr  error
)

func parsedFont() (*opentype.Font, error) {
	fontOnce.Do(func() { fontData, fontErr = opentype.Parse(dejaVuSans) })
	return fontData, fontErr
}

// newFace is the font at size pixels.
func newFace(size float64) (font.Face, error) {
	f, err := parsedFont()
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// Bar is one bar of a chart: a label (logical order, any language), its
// count and the value text drawn after the bar.
type Bar struct {
	Label string
	Count int
	Value string
}

// Chart is a horizontal bar chart. Bars are drawn as a share of Total
// (the answers to the question), so their lengths read as percentages.
type Chart struct {
	Title    string
	Subtitle string
	Bars     []Bar
	Total    int
	RTL      bool // right-to-left layout and text (Arabic)
}

// Chart geometry, in pixels.
const (
	chartWidth = 1000
	margin     = 36
	gap        = 14
	titleSize  = 26
	textSize   = 20
	barHeight  = 30
	rowPadding = 16
)

var (
	colorBackground = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colorText       = color.RGBA{0x22, 0x22, 0x22, 0xff}
	colorMuted      = color.RGBA{0x66, 0x66, 0x66, 0xff}
	colorTrack      = color.RGBA{0xec, 0xef, 0xf4, 0xff}
	colorBar        = color.RGBA{0x2f, 0x6d, 0xb5, 0xff}
)

// chartFaces holds the two sizes of type a chart uses.
type chartFaces struct{ title, text font.Face }

// PNG draws the chart.
func (c Chart) PNG() ([]byte, error) {
	title, err := newFace(titleSize)
	if err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	text, err := newFace(textSize)
	if err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	defer title.Close()
	defer text.Close()
	l := c.layout(chartFaces{title, text})
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, l.height))
	draw.Draw(img, img.Bounds(), image.NewUniform(colorBackground), image.Point{}, draw.Src)
	c.draw(img, l)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// layout is where everything goes, computed left to right; RTL charts
// are mirrored when drawn.
type layout struct {
	faces      chartFaces
	titleLines []string // visual order
	subtitle   string
	rows       []row
	labelWidth int // the label column
	barX       int // where bars start
	barMax     int // a 100% bar
	height     int
}

type row struct {
	labelLines []string // visual order
	value      string
	fill       int // bar length
	y          int // top of the row
	h          int
}

func (c Chart) layout(f chartFaces) layout {
	l := layout{faces: f}
	inner := chartWidth - 2*margin
	l.titleLines = c.lines(f.title, c.Title, inner, 3)
	l.subtitle = c.display(c.Subtitle)
	valueWidth := 0
	for _, b := range c.Bars {
		valueWidth = max(valueWidth, measure(f.text, c.display(b.Value)))
	}
	labelMax := inner * 2 / 5
	for _, b := range c.Bars {
		for _, line := range c.lines(f.text, b.Label, labelMax, 2) {
			l.labelWidth = max(l.labelWidth, measure(f.text, line))
		}
	}
	l.labelWidth = min(l.labelWidth, labelMax)
	l.barX = margin + l.labelWidth + gap
	l.barMax = max(chartWidth-margin-valueWidth-gap-l.barX, 50)
	y := margin + len(l.titleLines)*lineHeight(f.title) + lineHeight(f.text) + rowPadding
	for _, b := range c.Bars {
		r := row{labelLines: c.lines(f.text, b.Label, labelMax, 2), value: c.display(b.Value), y: y}
		r.h = max(barHeight, len(r.labelLines)*lineHeight(f.text)) + rowPadding
		if c.Total > 0 && b.Count > 0 {
			r.fill = max(b.Count*l.barMax/c.Total, 3) // a non-zero count stays visible
		}
		l.rows = append(l.rows, r)
		y += r.h
	}
	l.height = y + margin
	return l
}

func (c Chart) draw(img *image.RGBA, l layout) {
	y := margin
	for _, line := range l.titleLines {
		y += lineHeight(l.faces.title)
		c.text(img, l.faces.title, line, margin, chartWidth-2*margin, y, colorText)
	}
	y += lineHeight(l.faces.text)
	c.text(img, l.faces.text, l.subtitle, margin, chartWidth-2*margin, y, colorMuted)
	for _, r := range l.rows {
		barTop := r.y + (r.h-rowPadding-barHeight)/2
		c.rect(img, l.barX, barTop, l.barMax, barHeight, colorTrack)
		c.rect(img, l.barX, barTop, r.fill, barHeight, colorBar)
		lh := lineHeight(l.faces.text)
		ty := barTop + barHeight/2 - len(r.labelLines)*lh/2
		for _, line := range r.labelLines {
			c.text(img, l.faces.text, line, margin, l.labelWidth, ty+baseline(l.faces.text, lh), colorText)
			ty += lh
		}
		vy := barTop + barHeight/2 - lh/2 + baseline(l.faces.text, lh)
		c.text(img, l.faces.text, r.value, l.barX+r.fill+gap, measure(l.faces.text, r.value), vy, colorText)
	}
}

// rect fills a rectangle given in left-to-right coordinates.
func (c Chart) rect(img *image.RGBA, x, y, w, h int, col color.Color) {
	if w <= 0 {
		return
	}
	x = c.mirror(x, w)
	draw.Draw(img, image.Rect(x, y, x+w, y+h), image.NewUniform(col), image.Point{}, draw.Src)
}

// text draws s (visual order) in the box [x, x+w) at baseline y: aligned
// to the box's start, which is its right edge in a right-to-left chart.
func (c Chart) text(img *image.RGBA, face font.Face, s string, x, w, y int, col color.Color) {
	width := measure(face, s)
	x = c.mirror(x, w)
	if c.RTL {
		x += w - width
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// mirror maps a box's left edge to where it is drawn.
func (c Chart) mirror(x, w int) int {
	if c.RTL {
		return chartWidth - x - w
	}
	return x
}

// display prepares one line for drawing.
func (c Chart) display(s string) string { return Display(s, c.RTL) }

// lines wraps s (logical order) into at most n lines no wider than width,
// each in visual order; the last one ends with "…" if text was left out.
func (c Chart) lines(face font.Face, s string, width, n int) []string {
	words := strings.Fields(s)
	var out []string
	cur := ""
	for i, w := range words {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && measure(face, c.display(try)) > width {
			if len(out) == n-1 {
				out = append(out, cur+" …")
				return displayAll(out, c.RTL)
			}
			out = append(out, cur)
			try = w
		}
		cur = try
		if i == len(words)-1 {
			out = append(out, cur)
		}
	}
	return displayAll(out, c.RTL)
}

func displayAll(lines []string, rtl bool) []string {
	for i, s := range lines {
		lines[i] = Display(s, rtl)
	}
	return lines
}

func measure(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

func lineHeight(face font.Face) int { return face.Metrics().Height.Ceil() + 4 }

// baseline is where the baseline sits in a line lh high, so that the
// glyphs' ink (ascent to descent) is centred in it.
func baseline(face font.Face, lh int) int {
	m := face.Metrics()
	ink := (m.Ascent + m.Descent).Ceil()
	return (lh-ink)/2 + m.Ascent.Ceil()
}
