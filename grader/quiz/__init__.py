"""Taking quizzes (session state, terminal UI), scoring attempts and answers files,
and item analysis. Start-up matters here: see grader.quiz.take and grader.quiz.display."""
