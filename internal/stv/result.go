package stv

// Action is what a stage of the count did.
type Action string

// The stages of a count.
const (
	// FirstStage counts first preferences (for the block vote: every
	// choice).
	FirstStage Action = "first"
	// Surplus transfers an elected candidate's surplus.
	Surplus Action = "surplus"
	// Exclusion excludes the candidate with the fewest votes and
	// transfers their papers.
	Exclusion Action = "exclusion"
)

// Result is the whole count: enough to print the count sheet and to check
// it by hand.
type Result struct {
	// Title, Candidates and Seats are the election's.
	Title      string
	Candidates []string
	Seats      int
	// Method is the rule counted by and Seed the seed of its lots.
	Method Method
	Seed   uint64
	// Withdrawn are the withdrawn candidates' indexes.
	Withdrawn []int
	// Papers is the number of valid papers: those naming at least one
	// standing candidate. Empty counts the others, which take no part.
	Papers int64
	Empty  int64
	// Quota is the Droop quota (zero for the block vote).
	Quota Value
	// Stages are the stages in order, the first stage first.
	Stages []Stage
	// Elected are the elected candidates' indexes in the order elected.
	Elected []int
}

// Stage is one stage of the count and the state at its end.
type Stage struct {
	// Number counts from 1.
	Number int
	// Action is what the stage did, and Candidate whose surplus or papers
	// were transferred (-1 at the first stage).
	Action    Action
	Candidate int
	// Surplus is the surplus transferred at a Surplus stage.
	Surplus Value
	// Votes are each candidate's votes at the end of the stage, by index.
	Votes []Value
	// NonTransferable is the total value of papers with no next available
	// preference so far, and Loss the total lost by ignoring the
	// remainders of transfer values so far; the votes, NonTransferable
	// and Loss always add up to Papers whole votes.
	NonTransferable Value
	Loss            Value
	// Elected and Excluded are the candidates elected or excluded at this
	// stage, in order.
	Elected  []int
	Excluded []int
	// Notes say why, where the rules needed a tie-break, a lot or the
	// filling of the last vacancies.
	Notes []string
}

// status is a candidate's standing at some point of the count.
type status uint8

const (
	continuing status = iota
	elected
	excluded
	withdrawn
)

// Statuses gives each candidate's standing at the end of stage number n
// (from 1): "elected", "excluded", "withdrawn" or "" while continuing.
func (r *Result) Statuses(n int) []string {
	out := make([]string, len(r.Candidates))
	for _, c := range r.Withdrawn {
		out[c] = "withdrawn"
	}
	for _, st := range r.Stages[:n] {
		for _, c := range st.Elected {
			out[c] = "elected"
		}
		for _, c := range st.Excluded {
			out[c] = "excluded"
		}
	}
	return out
}
