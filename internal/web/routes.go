package web

import (
	"net/http"

	"github.com/coopress/coopress/internal/account"
)

// routes is the whole route table: every address coopress answers, public,
// sign-in and staff, grouped by area. Handlers live in the files named in
// the comments; no other file registers a route
// (admin_route_registration_test.go checks).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	page := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.handle(h)) }

	// Reading the paper (pages_*.go, media.go).
	page("GET /{$}", s.frontPage)
	page("GET /article/{slug}", s.articlePage)
	page("GET /section/{slug}", s.sectionPage)
	page("GET /tag/{slug}", s.tagPage)
	page("GET /author/{slug}", s.authorPage)
	page("GET /search", s.searchPage)
	page("GET /supporters", s.infoPage("supporters", "Become a supporter", "How to give to the paper every month."))
	page("GET /media/{file}", s.mediaFile)

	// The fighting fund (fund_page.go, fund_live.go), online donations
	// (donate.go) and Stripe's webhooks (webhook_stripe.go). The live
	// stream and the webhook write their own answers: one is a stream, the
	// other speaks to Stripe, not a person. Every public form that stores
	// rows or calls Stripe is limited per client address (form_limited.go;
	// form_limit_routes_test.go checks that none is left out).
	page("GET /fund", s.fundPage)
	mux.HandleFunc("GET /fund/live", s.fundLive)
	page("GET /donate", s.donatePage)
	page("POST /donate", s.limited(s.donateSubmit, s.donatePage))
	page("GET /donate/thanks", s.donateThanksPage)
	// Supporters who give every month by Stripe subscription
	// (supporters_join.go); the join form holds what one person typed.
	page("GET /supporters/join", s.supportersJoin)
	page("POST /supporters/join", s.limited(s.supportersJoinSubmit, s.supportersJoin))
	page("GET /supporters/thanks", s.supportersThanks)
	mux.HandleFunc("POST /webhooks/stripe", s.stripeWebhook)
	// The share offer and applications to buy shares (shares.go); card
	// payers go to Stripe Checkout, and the webhook marks them paid.
	page("GET /shares", s.sharesOffer)
	page("POST /shares", s.limited(s.sharesApply, s.sharesOffer))
	page("GET /shares/thanks", s.sharesThanks)

	// Feeds (feeds.go); sitemaps, robots.txt and OpenSearch (sitemap.go).
	page("GET /feed.rss", s.feed(rssFormat))
	page("GET /feed.atom", s.feed(atomFormat))
	page("GET /feed.json", s.feed(jsonFormat))
	page("GET /section/{slug}/feed.rss", s.feed(rssFormat))
	page("GET /section/{slug}/feed.atom", s.feed(atomFormat))
	page("GET /section/{slug}/feed.json", s.feed(jsonFormat))
	page("GET /sitemap.xml", s.sitemapIndexPage)
	page("GET /sitemaps/{file}", s.sitemapFile)
	page("GET /news-sitemap.xml", s.newsSitemap)
	page("GET /robots.txt", s.robots)
	page("GET /opensearch.xml", s.openSearch)

	// Signing in and out, sign-in links and password resets (auth_*.go).
	// The pages carry form values and set cookies, so nothing may keep them.
	signin := func(pattern string, h handlerFunc) { page(pattern, noStore(h)) }
	signin("GET /signin", s.signinForm)
	signin("POST /signin", s.signin)
	signin("POST /signout", s.signout)
	signin("GET /signin/second", s.secondForm)
	signin("POST /signin/second", s.second)
	signin("POST /signin/second/passkey/begin", s.secondPasskeyBegin)
	signin("POST /signin/second/passkey/finish", s.secondPasskeyFinish)
	signin("GET /signin/link/{token}", s.signinLinkPage)
	signin("POST /signin/link/{token}", s.signinLink)
	signin("GET /reset", s.resetRequestForm)
	signin("POST /reset", s.resetRequest)
	signin("GET /reset/{token}", s.resetForm)
	signin("POST /reset/{token}", s.reset)

	// Readers' accounts (account_*.go): sign-in by an emailed link, and
	// the reader's own pages, which readers and staff may both open
	// (accountRoute) and which never lie under /admin. /account/me is the
	// masthead's greeting: the one personal answer on public pages.
	signin("GET /account/signin", s.readerSigninForm)
	signin("POST /account/signin", s.readerSignin)
	signin("GET /account/link/{token}", s.readerLinkForm)
	signin("POST /account/link/{token}", s.readerLink)
	signin("POST /account/signin/passkey/begin", s.readerPasskeySignInBegin)
	signin("POST /account/signin/passkey/finish", s.readerPasskeySignInFinish)
	signin("POST /account/signout", s.readerSignout)
	page("GET /account/me", s.accountMe)
	reader := func(pattern string, h handlerFunc) { page(pattern, s.accountRoute(h)) }
	reader("GET /account", s.accountPage)
	reader("POST /account/name", s.limited(s.accountName, s.accountPage))
	reader("POST /account/signout-everywhere", s.accountSignOutEverywhere)
	reader("POST /account/passkey/begin", s.readerPasskeyBegin)
	reader("POST /account/passkey/finish", s.readerPasskeyFinish)
	reader("POST /account/passkeys/{id}/remove", s.readerPasskeyRemove)
	// Changes to a reader's support call Stripe, so they are limited too,
	// as is every change of a reader's own that appends to the audit log
	// each time it is sent (a name, thanks, contact details, preferences).
	reader("POST /account/support/{id}/pause", s.limited(s.accountSupportAction("pause"), s.accountPage))
	reader("POST /account/support/{id}/resume", s.limited(s.accountSupportAction("resume"), s.accountPage))
	reader("POST /account/support/{id}/cancel", s.limited(s.accountSupportAction("cancel"), s.accountPage))
	reader("POST /account/support/{id}/change", s.limited(s.accountSupportChange, s.accountPage))
	reader("POST /account/support/{id}/thanks", s.limited(s.accountSupportThanks, s.accountPage))
	reader("GET /account/payments/{id}", s.accountReceipt)
	// A member's ballots (ballot_vote.go): their open ballots, the paper
	// and the receipt, shown once.
	reader("GET /account/ballots", s.accountBallots)
	reader("GET /account/ballots/{id}", s.accountBallot)
	reader("POST /account/ballots/{id}", s.accountBallotVote)
	// A member's shares, details and withdrawals (account_membership.go),
	// and their own share certificate (account_membership_certificate.go).
	reader("GET /account/membership", s.accountMembership)
	reader("GET /account/membership/certificate.pdf", s.accountCertificate)
	reader("POST /account/membership/contact", s.limited(s.accountMembershipContact, s.accountMembership))
	reader("POST /account/membership/withdraw", s.accountMembershipWithdraw)
	// A reader's own data: the downloads, email preferences and erasing
	// the account (account_data.go).
	mine := func(pattern string, h handlerFunc) { reader(pattern, s.needPersonal(h)) }
	mine("GET /account/data", s.accountData)
	mine("GET /account/data.json", s.accountDataJSON)
	mine("GET /account/data.csv", s.accountDataCSV)
	mine("POST /account/preferences", s.limited(s.accountPreferences, s.accountData))
	mine("GET /account/delete", s.accountDeleteForm)
	mine("POST /account/delete", s.accountDelete)

	// Voting with the code from a ballot's letter or email, for members
	// with no account or email, and checking a receipt (ballot_vote.go).
	// Nothing may keep these answers.
	page("GET /vote", noStore(s.voteCodeForm))
	page("POST /vote", noStore(s.voteWithCode))
	page("GET /ballots/{id}/check", noStore(s.ballotCheckForm))
	page("POST /ballots/{id}/check", noStore(s.ballotCheckForm))

	s.staffRoutes(mux)

	// The machinery: assets and probes. Metrics are not here: they show
	// internals, so they have their own listener (MetricsHandler).
	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	// Anything else: 405 with Allow when the path has routes for other
	// methods, 404 otherwise (method_not_allowed.go).
	page("/", s.noRoute(mux))

	s.checkMenu(mux)
	return s.middleware(mux)
}

// staffRoutes is the staff area: every page under /admin, each with the
// roles that may use it (adminRoute, admin.go). A route marked .menu is a
// link in the staff menu, shown to exactly those roles, in this order.
func (s *Server) staffRoutes(mux *http.ServeMux) {
	staff := anyStaff()
	s.adminRoute(mux, "GET /admin/{$}", staff, s.adminDashboard).menu("Dashboard")

	// People and access (admin_users.go, admin_audit.go).
	admins := []account.Role{account.Admin}
	s.adminRoute(mux, "GET /admin/users", admins, s.adminUsers).menu("Users")
	s.adminRoute(mux, "POST /admin/users", admins, s.adminUserCreate)
	s.adminRoute(mux, "GET /admin/users/{id}", admins, s.adminUser)
	s.adminRoute(mux, "POST /admin/users/{id}/roles", admins, s.adminUserRoles)
	s.adminRoute(mux, "POST /admin/users/{id}/disable", admins, s.adminUserDisable)
	s.adminRoute(mux, "POST /admin/users/{id}/enable", admins, s.adminUserEnable)
	s.adminRoute(mux, "POST /admin/users/{id}/second-factor/reset", admins, s.adminUserResetFactors)
	s.adminRoute(mux, "GET /admin/audit", admins, s.adminAudit).menu("Audit log")

	// The image library (admin_media*.go).
	img := mediaRoles()
	s.adminRoute(mux, "GET /admin/media", img, s.adminMediaLibrary).menu("Images")
	s.adminRoute(mux, "POST /admin/media", img, s.adminMediaUpload)
	s.adminRoute(mux, "GET /admin/media/{id}", img, s.adminMediaEdit)
	s.adminRoute(mux, "POST /admin/media/{id}", img, s.adminMediaSave)

	// Articles and the news desk (admin_article*.go, admin_desk.go).
	// Writers and editors share the pages; the buttons that publish are
	// the editors'. Finer rules (a writer's own drafts only) are the
	// domain's, per article.
	news, eds := newsroomRoles(), editorRoles()
	s.adminRoute(mux, "GET /admin/articles", news, s.adminArticles).menu("Articles")
	s.adminRoute(mux, "GET /admin/articles/new", news, s.adminArticleNew)
	s.adminRoute(mux, "POST /admin/articles", news, s.adminArticleCreate)
	s.adminRoute(mux, "GET /admin/articles/{id}", news, s.adminArticleEdit)
	s.adminRoute(mux, "POST /admin/articles/{id}", news, s.adminArticleSave)
	s.adminRoute(mux, "POST /admin/articles/{id}/submit", news, s.adminArticleStep(stepSubmit))
	s.adminRoute(mux, "POST /admin/articles/{id}/draft", news, s.adminArticleStep(stepDraft))
	s.adminRoute(mux, "POST /admin/articles/{id}/publish", eds, s.adminArticleStep(stepPublish))
	s.adminRoute(mux, "POST /admin/articles/{id}/schedule", eds, s.adminArticleStep(s.stepSchedule))
	s.adminRoute(mux, "POST /admin/articles/{id}/unpublish", eds, s.adminArticleStep(stepUnpublish))
	s.adminRoute(mux, "POST /admin/articles/{id}/corrections", eds, s.adminArticleCorrect)
	s.adminRoute(mux, "GET /admin/articles/{id}/revisions", news, s.adminArticleRevisions)
	s.adminRoute(mux, "POST /admin/articles/{id}/revisions/{rev}/restore", eds, s.adminArticleRestore)
	s.adminRoute(mux, "POST /admin/preview", news, s.adminPreview)
	s.adminRoute(mux, "GET /admin/desk", eds, s.adminDesk).menu("News desk")

	// Author profiles and the accounts they are tied to (admin_authors.go).
	authors := authorRoles()
	s.adminRoute(mux, "GET /admin/authors", authors, s.adminAuthors).menu("Authors")
	s.adminRoute(mux, "POST /admin/authors", authors, s.adminAuthorSave)
	s.adminRoute(mux, "GET /admin/authors/{id}", authors, s.adminAuthor)
	s.adminRoute(mux, "POST /admin/authors/{id}", authors, s.adminAuthorSave)

	// The treasurer's pages (admin_fund*.go).
	t := treasurers()
	s.adminRoute(mux, "GET /admin/fund", t, s.adminFund).menu("Fighting fund")
	s.adminRoute(mux, "GET /admin/fund/gifts/new", t, s.adminFundGiftForm)
	s.adminRoute(mux, "POST /admin/fund/gifts/new", t, s.adminFundGiftCreate)
	s.adminRoute(mux, "GET /admin/fund/entries", t, s.adminFundEntries)
	s.adminRoute(mux, "POST /admin/fund/entries/{id}/reverse", t, s.adminFundReverse)
	s.adminRoute(mux, "GET /admin/fund/import", t, s.adminFundImportForm)
	s.adminRoute(mux, "POST /admin/fund/import", t, s.adminFundImport)
	s.adminRoute(mux, "GET /admin/fund/export.csv", t, s.adminFundExport)
	s.adminRoute(mux, "GET /admin/fund/column.txt", t, s.adminFundColumn)
	s.adminRoute(mux, "GET /admin/fund/target", t, s.adminFundTargetForm)
	s.adminRoute(mux, "POST /admin/fund/target", t, s.adminFundTarget)
	s.adminRoute(mux, "GET /admin/fund/reconcile", t, s.adminFundReconcile)
	s.adminRoute(mux, "GET /admin/fund/payouts", t, s.adminFundPayouts)
	s.adminRoute(mux, "POST /admin/fund/holds/{id}/resolve", t, s.adminFundResolveHold)

	// One's own account (admin_account.go).
	s.adminRoute(mux, "GET /admin/account", staff, s.adminAccountPage).menu("Your account")
	s.adminRoute(mux, "POST /admin/account/password", staff, s.adminAccountPassword)
	s.adminRoute(mux, "POST /admin/account/signout-everywhere", staff, s.adminSignOutEverywhere)
	// Second factors. duringSetUp keeps these open to a session whose
	// account must set one up before anything else.
	s.adminRoute(mux, "GET /admin/account/security", staff, s.adminSecurityPage)
	s.adminRoute(mux, "POST /admin/account/security/totp/start", staff, s.adminTOTPStart)
	s.adminRoute(mux, "GET /admin/account/security/totp.png", staff, s.adminTOTPImage)
	s.adminRoute(mux, "POST /admin/account/security/totp", staff, s.adminTOTPConfirm)
	s.adminRoute(mux, "POST /admin/account/security/recovery-codes", staff, s.adminRecoveryCodes)
	s.adminRoute(mux, "POST /admin/account/security/factors/{id}/remove", staff, s.adminFactorRemove)
	s.adminRoute(mux, "POST /admin/account/security/passkey/begin", staff, s.adminPasskeyBegin)
	s.adminRoute(mux, "POST /admin/account/security/passkey/finish", staff, s.adminPasskeyFinish)

	// The register of members and the annual return's figures
	// (admin_register*.go): secretaries only.
	sec := secretaries()
	s.adminRoute(mux, "GET /admin/register", sec, s.adminRegister).menu("Register")
	s.adminRoute(mux, "GET /admin/register.csv", sec, s.adminRegisterCSV)
	s.adminRoute(mux, "GET /admin/register.pdf", sec, s.adminRegisterPDF) // admin_register_pdf.go
	s.adminRoute(mux, "GET /admin/register/annual-return", sec, s.adminAnnualReturn)
	s.adminRoute(mux, "GET /admin/register/import", sec, s.adminRegisterImportForm) // admin_register_import.go
	s.adminRoute(mux, "POST /admin/register/import", sec, s.adminRegisterImport)
	// Applications for shares (admin_applications.go): record a cheque or
	// transfer, approve (allot and admit), reject (refund or repay).
	s.adminRoute(mux, "GET /admin/register/applications", sec, s.adminApplications).menu("Share applications")
	s.adminRoute(mux, "GET /admin/register/applications/{id}", sec, s.adminApplication)
	s.adminRoute(mux, "POST /admin/register/applications/{id}/payment", sec, s.adminApplicationPayment)
	s.adminRoute(mux, "POST /admin/register/applications/{id}/approve", sec, s.adminApplicationApprove)
	s.adminRoute(mux, "POST /admin/register/applications/{id}/reject", sec, s.adminApplicationReject)
	s.adminRoute(mux, "POST /admin/register/applications/{id}/refund", sec, s.adminApplicationRefund)
	// Members' requests to withdraw shares (admin_withdrawals.go), the
	// board's suspensions of withdrawals (admin_suspensions.go) and
	// linking a member to a reader account (admin_member_link.go).
	s.adminRoute(mux, "GET /admin/register/withdrawals", sec, s.adminWithdrawals)
	s.adminRoute(mux, "POST /admin/register/withdrawals/{id}/pay", sec, s.adminWithdrawalPay)
	s.adminRoute(mux, "POST /admin/register/withdrawals/{id}/reject", sec, s.adminWithdrawalReject)
	s.adminRoute(mux, "POST /admin/register/withdrawals/suspensions", sec, s.adminSuspend)
	s.adminRoute(mux, "POST /admin/register/withdrawals/suspensions/{id}/end", sec, s.adminSuspensionEnd)
	s.adminRoute(mux, "GET /admin/register/member", sec, s.adminMemberLink)
	s.adminRoute(mux, "POST /admin/register/member/link", sec, s.adminMemberLinkSave)
	// Admitting members and changes to holdings by form, read as the
	// command line reads them (admin_register_admit.go,
	// admin_register_shares.go).
	s.adminRoute(mux, "GET /admin/register/admit", sec, s.adminAdmitForm)
	s.adminRoute(mux, "POST /admin/register/admit", sec, s.adminAdmit)
	s.adminRoute(mux, "GET /admin/register/shares", sec, s.adminSharesForm)
	s.adminRoute(mux, "POST /admin/register/shares", sec, s.adminShares)
	// The register of officers, kept apart from the register of members
	// (admin_register_officers.go).
	s.adminRoute(mux, "GET /admin/register/officers", sec, s.adminOfficers)
	s.adminRoute(mux, "GET /admin/register/officers.csv", sec, s.adminOfficersCSV)
	s.adminRoute(mux, "GET /admin/register/officers.pdf", sec, s.adminOfficersPDF)
	s.adminRoute(mux, "POST /admin/register/officers", sec, s.adminOfficerAppoint)
	s.adminRoute(mux, "POST /admin/register/officers/{id}/end", sec, s.adminOfficerEnd)

	// Ballots of the members (admin_ballots.go, admin_ballot_results.go):
	// secretaries, and tellers where they count (ballotTellers). Turnout
	// shows who voted, never how; results wait for the close. The list
	// is the tellers' way in: it shows them no more than they may open.
	tel := ballotTellers()
	s.adminRoute(mux, "GET /admin/ballots", tel, s.adminBallots).menu("Ballots")
	s.adminRoute(mux, "POST /admin/ballots", sec, s.adminBallotCreate)
	s.adminRoute(mux, "GET /admin/ballots/{id}", sec, s.adminBallot)
	s.adminRoute(mux, "POST /admin/ballots/{id}", sec, s.adminBallotSave)
	s.adminRoute(mux, "POST /admin/ballots/{id}/motions", sec, s.adminBallotMotion)
	s.adminRoute(mux, "POST /admin/ballots/{id}/elections", sec, s.adminBallotElection)
	s.adminRoute(mux, "POST /admin/ballots/{id}/remove", sec, s.adminBallotRemove)
	s.adminRoute(mux, "POST /admin/ballots/{id}/open", sec, s.adminBallotOpen)
	s.adminRoute(mux, "POST /admin/ballots/{id}/close", sec, s.adminBallotClose)
	s.adminRoute(mux, "POST /admin/ballots/{id}/codes", sec, s.adminBallotReissue)
	s.adminRoute(mux, "GET /admin/ballots/{id}/turnout", sec, s.adminBallotTurnout)
	s.adminRoute(mux, "GET /admin/ballots/{id}/results", sec, s.adminBallotResults)
	// Postal papers, regional meetings, reminders and the results as PDF
	// (admin_ballot_channels.go, admin_ballot_postal.go,
	// admin_ballot_meeting.go). Tellers enter returned papers and work a
	// meeting; printing papers, adding meetings and reminders are the
	// secretary's.
	s.adminRoute(mux, "GET /admin/ballots/{id}/results.pdf", sec, s.adminBallotResultsPDF)
	s.adminRoute(mux, "GET /admin/ballots/{id}/results.csv", sec, s.adminBallotResultsCSV)
	s.adminRoute(mux, "GET /admin/ballots/{id}/channels", sec, s.adminBallotChannels)
	s.adminRoute(mux, "POST /admin/ballots/{id}/papers", sec, s.adminBallotPapers)
	s.adminRoute(mux, "POST /admin/ballots/{id}/remind", sec, s.adminBallotRemind)
	s.adminRoute(mux, "GET /admin/ballots/{id}/postal", tel, s.adminBallotPostal)
	s.adminRoute(mux, "POST /admin/ballots/{id}/postal", tel, s.adminBallotPostalEnter)
	s.adminRoute(mux, "POST /admin/ballots/{id}/meetings", sec, s.adminBallotMeetingAdd)
	s.adminRoute(mux, "GET /admin/ballots/{id}/meetings/{mid}", tel, s.adminBallotMeeting)
	s.adminRoute(mux, "POST /admin/ballots/{id}/meetings/{mid}/checkin", tel, s.adminBallotCheckIn)
	s.adminRoute(mux, "POST /admin/ballots/{id}/meetings/{mid}/tally", tel, s.adminBallotMeetingTally)
	s.adminRoute(mux, "POST /admin/ballots/{id}/meetings/{mid}/paper", tel, s.adminBallotMeetingPaper)

	// Supporters by Stripe subscription: plans, the report and the
	// export (admin_supporters.go). Treasurers only, like the fund.
	s.adminRoute(mux, "GET /admin/supporters", t, s.adminSupporters).menu("Supporters")
	s.adminRoute(mux, "POST /admin/supporters/plans", t, s.adminSupporterPlanCreate)
	s.adminRoute(mux, "GET /admin/supporters/export.csv", t, s.adminSupportersExport)

	// Standing-order supporters and bank statements (admin_standing_orders.go,
	// admin_statement_import.go, admin_statement_waiting.go): treasurers
	// only. The Supporters page links here; these pages have no menu entry.
	s.adminRoute(mux, "GET /admin/supporters/standing-orders", t, s.adminStandingOrders)
	s.adminRoute(mux, "GET /admin/supporters/standing-orders/new", t, s.adminStandingOrderNew)
	s.adminRoute(mux, "POST /admin/supporters/standing-orders", t, s.adminStandingOrderCreate)
	s.adminRoute(mux, "GET /admin/supporters/standing-orders/{id}", t, s.adminStandingOrder)
	s.adminRoute(mux, "POST /admin/supporters/standing-orders/{id}", t, s.adminStandingOrderSave)
	s.adminRoute(mux, "POST /admin/supporters/standing-orders/{id}/status", t, s.adminStandingOrderStatus)
	s.adminRoute(mux, "GET /admin/supporters/statements", t, s.adminStatementForm)
	s.adminRoute(mux, "POST /admin/supporters/statements", t, s.adminStatementImport)
	s.adminRoute(mux, "GET /admin/supporters/statements/waiting", t, s.adminStatementWaiting)
	s.adminRoute(mux, "POST /admin/supporters/statements/lines/{id}/assign", t, s.adminStatementAssign)
	s.adminRoute(mux, "POST /admin/supporters/statements/lines/{id}/dismiss", t, s.adminStatementDismiss)

	// Any other address or method under /admin/ asks for a sign-in before
	// it says 404 or 405, so the staff area's map is not visible from
	// outside.
	s.adminRoute(mux, "/admin/", staff, s.noRoute(mux))
}
