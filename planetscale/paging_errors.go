package planetscale

import (
	"errors"
	"fmt"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Sentinel errors of list walks, matched with errors.Is.
var (
	// ErrListChanged: the list changed while it was read, so the read
	// cannot be trusted. A *PagingError carries it when eight reads never
	// gave two in a row that agree, or the time ran out before two did. A *PageError matches it when a page was
	// refused with 401, 403 or 404 after an earlier page of the list was
	// read: the list or the access to it changed mid-read, which says
	// nothing about missing grants. Such a *PageError also matches
	// ErrNotFound, ErrUnauthorized or ErrForbidden: check ErrListChanged
	// first.
	ErrListChanged = newSentinel("the list kept changing while it was read", check.ErrListChanged)
	// ErrMalformedItem: an item of a list lacks a field it must have, holds
	// one of the wrong type, repeats a key, or spells a field's name in
	// another case. An *ItemError carries it.
	ErrMalformedItem = newSentinel("malformed item", check.ErrMalformedItem)
)

// PagingError means a list's pages did not add up: the walk stopped rather
// than loop, skip or return a list that may miss items. Err is
// ErrListChanged when the list kept changing, else nil.
type PagingError struct {
	Problem string
	Err     error
}

func (e *PagingError) Error() string { return "paging failed: " + e.Problem }

func (e *PagingError) Unwrap() error { return e.Err }

// Is matches the gate's check.ErrPaging.
func (e *PagingError) Is(target error) bool { return target == check.ErrPaging }

// PageError is the failure of one page of a list walk: its request failed
// (Err is then an *APIError, a *GaveUpError, a *NetworkError...), its
// answer was not a list page (ErrUnexpectedResponse), an item was malformed
// (*ItemError) or the page did not fit the pages before it (*PagingError).
type PageError struct {
	// Page is the page number asked for, from 1.
	Page int
	// Walk is the read of the whole list the page belongs to, from 1: a list
	// of more than one page is read at least twice.
	Walk int
	Err  error
}

func (e *PageError) Error() string {
	if e.Walk > 1 {
		return fmt.Sprintf("page %d (read %d of the list): %v", e.Page, e.Walk, e.Err)
	}
	return fmt.Sprintf("page %d: %v", e.Page, e.Err)
}

func (e *PageError) Unwrap() error { return e.Err }

// Is matches ErrListChanged when a page was refused with 401, 403 or 404
// after an earlier page of the list was read (a page after the first, or
// any page of a second read): the list or the access to it changed during
// the read, which says nothing about the grants the gate asks for.
func (e *PageError) Is(target error) bool {
	return errors.Is(ErrListChanged, target) && (e.Page > 1 || e.Walk > 1) &&
		(errors.Is(e.Err, ErrNotFound) || errors.Is(e.Err, ErrUnauthorized) || errors.Is(e.Err, ErrForbidden))
}

// ItemError is a malformed item of a list page (a *PageError holds it, with
// the page number). It matches ErrMalformedItem.
type ItemError struct {
	// Index is the item's place on its page, from 1.
	Index int
	// Item names the item: "deploy request #12", or "deploy request" when
	// its key could not be read.
	Item string
	// Problem says what is wrong, naming the field.
	Problem string
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("item %d (%s): %s", e.Index, e.Item, e.Problem)
}

func (e *ItemError) Is(target error) bool {
	return errors.Is(ErrMalformedItem, target)
}

// itemName names an item in messages: "deploy request #12"; keys may come
// from outside, so they are made one clean line.
func itemName(noun, key string) string {
	if key == "" {
		return noun
	}
	return noun + " " + sanitize.Line(key)
}
