package telegram

import (
	"container/list"
	"sync"
)

// promptRec is the message that shows a respondent's current prompt, kept
// so that a typed answer can edit it ("✓ ...", buttons removed) and a
// toggled choice can redraw its buttons.
type promptRec struct {
	chat    int64
	seq     int
	msgID   int
	text    string
	buttons bool // sent with an inline keyboard
}

// promptCache remembers the last prompt per chat, least recently used
// first out. Losing an entry (eviction, restart) only means the old
// question is not edited: its buttons then get the "earlier question" notice.
type promptCache struct {
	mu    sync.Mutex
	max   int
	items map[int64]*list.Element
	order *list.List // front: most recently used
}

func newPromptCache(max int) *promptCache {
	return &promptCache{max: max, items: map[int64]*list.Element{}, order: list.New()}
}

func (p *promptCache) get(chat int64) (promptRec, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.items[chat]
	if !ok {
		return promptRec{}, false
	}
	p.order.MoveToFront(e)
	return e.Value.(promptRec), true
}

func (p *promptCache) put(r promptRec) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.items[r.chat]; ok {
		e.Value = r
		p.order.MoveToFront(e)
		return
	}
	p.items[r.chat] = p.order.PushFront(r)
	for p.order.Len() > p.max {
		old := p.order.Back()
		p.order.Remove(old)
		delete(p.items, old.Value.(promptRec).chat)
	}
}

// drop forgets the chat's prompt if it is still message msgID.
func (p *promptCache) drop(chat int64, msgID int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.items[chat]; ok && e.Value.(promptRec).msgID == msgID {
		p.order.Remove(e)
		delete(p.items, chat)
	}
}

func (p *promptCache) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len()
}
