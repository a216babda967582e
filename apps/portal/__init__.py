"""Citizens' public service portal: catalogue and search, online submission, my dossiers, results,
rating and feedback. It calls the dossier actions; it keeps no copy of the one-stop rules."""
