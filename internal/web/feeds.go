package web

// feedRoutes registers feeds, sitemaps and robots.txt. (Being written.)
func (s *Server) feedRoutes(page func(string, handlerFunc)) {}
