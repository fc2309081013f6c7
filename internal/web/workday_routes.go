package web

import "net/http"

// The pages of the working-day calendar, checked at start-up with the rest.
const pageWorkdayList = "workday_list"

func init() { requiredPages = append(requiredPages, pageWorkdayList) }

// workdayRoutes serves the working-day calendar (工作日历): every staff
// member reads it; the office adds or corrects a year's schedule.
func (s *Server) workdayRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/calendar", s.listWorkdayYears)
	staff("POST /staff/calendar", s.saveWorkdaySchedules)
}
