package web

// drawPortalRoutes are the public pages of the draws (抽取公示): anyone can
// read a draw, download its bundle and recompute it.
func (s *Server) drawPortalRoutes(mux *router) {
	mux.HandleFunc("GET /draws", s.showDraws)
	mux.HandleFunc("GET /draws/{key}", s.showDraw)
	mux.HandleFunc("GET /draws/{key}/bundle.json", s.downloadDrawBundle)
}
