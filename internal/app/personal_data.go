package app

import (
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
)

// NewPersonalData is the one list of what keeps a reader's details under
// their address, and so takes part in their download and their erasure
// (docs/accounts.md): the server and `coopress user erase` both use it, so
// neither can erase less than the other.
func NewPersonalData(d *db.DB, cfg *Config, accounts *account.Service, f *fund.Service) (*account.PersonalData, error) {
	orders := supporter.NewStandingOrders(d, f, cfg.Location, time.Now)
	return account.NewPersonalData(accounts, f, orders, supporter.Subscriptions{}, society.Members{}, payment.StoredEvents{})
}
