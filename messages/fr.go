package messages

// fr is the French table, addressing the respondent with "vous".
var fr = map[string]string{
	"notice.choose_option":          "Veuillez choisir l'un des boutons, ou taper un nombre de 1 à {count}.",
	"notice.choose_option.typed":    "Veuillez taper le numéro de l'une des options, de 1 à {count}, ou son nom.",
	"notice.choose_several":         "Touchez les options souhaitées, puis Terminé — ou tapez leurs numéros de 1 à {count}, par exemple 1,3.",
	"notice.choose_several.typed":   "Veuillez taper les numéros des options souhaitées, de 1 à {count}, séparés par des virgules, par exemple 1,3.",
	"notice.too_few_choices":        "Veuillez choisir au moins {min} des options, puis Terminé.",
	"notice.too_many_choices":       "Vous pouvez choisir au plus {max} des options ; touchez une option choisie pour la retirer.",
	"notice.too_many_choices.typed": "Vous pouvez choisir au plus {max} des options : tapez à nouveau les numéros, comme 1,3.",
	"notice.empty":                  "Le message était vide. Veuillez taper votre réponse.",
	"notice.too_long":               "Votre réponse compte {got} caractères ; la limite est de {max}. Veuillez la raccourcir.",
	"notice.not_number":             "Veuillez taper un nombre, par exemple 12.",
	"notice.not_integer":            "Veuillez taper un nombre entier, par exemple 12.",
	"notice.out_of_range":           "Veuillez taper un nombre entre {min} et {max}.",
	"notice.out_of_range_min":       "Veuillez taper un nombre supérieur ou égal à {min}.",
	"notice.out_of_range_max":       "Veuillez taper un nombre inférieur ou égal à {max}.",
	"notice.not_email":              "Cela ne ressemble pas à une adresse e-mail. Veuillez en taper une comme name@city.gov.",
	"notice.unsupported":            "Je ne peux lire ici que du texte et les boutons. Veuillez répondre par écrit ou avec les boutons.",
	"notice.unsupported.typed":      "Je ne peux lire ici que du texte. Veuillez taper votre réponse.",
	"notice.stale":                  "Ce bouton appartient à une question précédente — rien n'a été modifié.",
	"notice.required":               "Cette question demande une réponse ; elle ne peut pas être passée.",
	"notice.first_question":         "C'est la première question — il n'y en a pas avant.",
	"notice.nothing_back":           "Il n'y a pas de question précédente où revenir.",
	"notice.unknown_command":        "Je ne connais pas la commande /{command}. Envoyez /help pour voir les commandes.",
	"notice.already_complete":       "Vos réponses sont déjà envoyées — merci. Envoyez /status pour voir votre progression.",
	"notice.restart_cancelled":      "Rien n'a été supprimé. Continuons.",
	"notice.restarted":              "Vos réponses ont été supprimées. Nous reprenons depuis la première question.",
	"notice.language_set":           "La langue est maintenant le français.",
	"notice.review_hint":            "Tapez un nombre de 1 à {count} pour modifier cette réponse, ou touchez Envoyer.",
	"notice.review_hint.typed":      "Tapez un nombre de 1 à {count} pour modifier cette réponse, ou tapez Envoyer pour envoyer vos réponses.",
	"notice.previous_answer":        "Votre réponse actuelle : {answer}. Envoyez-en une nouvelle pour la modifier.",
	"notice.choose_language":        "Veuillez toucher une langue, ou taper son numéro de 1 à {count}.",
	"notice.choose_language.typed":  "Veuillez taper le numéro d'une langue, de 1 à {count}, ou son nom.",
	"notice.skipped":                "Question passée.",
	"notice.yes_or_no":              "Veuillez toucher Oui ou Non, ou taper oui ou non.",
	"notice.yes_or_no.typed":        "Veuillez taper oui ou non, ou le numéro 1 ou 2.",

	"welcome.title_intro": "{title}\n\n{intro}",
	"welcome.resume":      "Bon retour — vous avez répondu à {answered} questions sur {total}. Reprenons là où vous en étiez :",

	"question.progress":               "{number}/{total}",
	"question.optional":               "(facultatif — /skip pour passer)",
	"question.choose_one_hint":        "Touchez un bouton ou tapez son numéro.",
	"question.choose_many_hint":       "Choisissez toutes les réponses qui s'appliquent, puis Terminé.",
	"question.choose_many_hint.typed": "Tapez les numéros de toutes les réponses qui s'appliquent, par exemple 1,3.",
	"question.text_hint":              "Tapez votre réponse.",
	"question.number_hint":            "Tapez un nombre.",
	"question.email_hint":             "Tapez une adresse e-mail, par exemple name@city.gov.",
	"question.other_prompt":           "Veuillez préciser — tapez votre réponse ci-dessous.",
	"question.previous":               "Réponse actuelle : {answer} — envoyez-en une nouvelle pour la modifier, ou /skip pour la garder.",

	"ack.answer":  "✓ {answer}",
	"ack.skipped": "— question passée",

	"language.prompt": "Choose your language · اختر لغتك · Dilinizi seçin · Choisissez votre langue",

	"review.title":      "Veuillez vérifier vos réponses :",
	"review.item":       "{number}. {question}\n    {answer}",
	"review.skipped":    "(passée)",
	"review.hint":       "Tapez le numéro d'une réponse pour la modifier, ou touchez Envoyer.",
	"review.hint.typed": "Tapez le numéro d'une réponse pour la modifier, ou tapez Envoyer pour envoyer vos réponses.",
	"review.change":     "Modifier {number}",
	"review.submit":     "Envoyer ✓",

	"restart.confirm": "Recommencer ? Toutes vos réponses seront supprimées.",
	"thanks":          "Merci ! Vos réponses sont envoyées. Vous pouvez les consulter avec /status.",

	"status.progress": "Vous en êtes à {answered} questions sur {total} (répondues ou passées). État : {status}.",
	"status.partial":  "en cours",
	"status.complete": "envoyé",

	"help.text": "/back revient à la question précédente, /skip passe une question facultative.\n" +
		"/restart recommence depuis le début, /language change la langue.\n" +
		"/status montre votre progression, /help affiche cette aide.",

	"cmd.start":    "Commencer ou reprendre l'enquête",
	"cmd.back":     "Revenir à la question précédente",
	"cmd.skip":     "Passer une question facultative",
	"cmd.restart":  "Recommencer depuis le début",
	"cmd.language": "Changer de langue",
	"cmd.status":   "Voir votre progression",
	"cmd.help":     "Comment utiliser ce bot",

	"cmd.results":     "Résultats de l'enquête",
	"cmd.export":      "Exporter les réponses dans un fichier",
	"cmd.chart":       "Graphique d'une question",
	"cmd.respondents": "Liste des répondants",
	"cmd.remind":      "Relancer ceux qui n'ont pas terminé",
	"cmd.invite":      "Créer un lien d'invitation",

	"console.bye":        "Vos réponses sont enregistrées. Relancez la même commande pour reprendre là où vous vous êtes arrêté.",
	"console.bye_done":   "Votre réponse est envoyée. Merci !",
	"group.private_only": "Je ne mène les enquêtes qu'en conversation privée : ouvrez une conversation privée avec moi et envoyez /start.",

	"button.yes":  "Oui",
	"button.no":   "Non",
	"button.done": "Terminé ✓",
	"button.skip": "Passer",
	"button.back": "Retour",

	"word.done":   "Terminé",
	"word.submit": "Envoyer",

	"coord.results_header":     "Résultats — {survey}",
	"coord.results_counts":     "Commencées : {started}\nTerminées : {complete} ({rate})\nPartielles : {partial}\nDurée médiane pour terminer : {median}",
	"coord.text_answers":       "{count} réponses texte",
	"coord.no_responses":       "Aucune réponse pour l'instant.",
	"coord.export_usage":       "Utilisation : /export csv|xlsx|json [all|complete|partial]",
	"coord.export_caption":     "{count} réponses · {format}",
	"coord.chart_usage":        "Utilisation : /chart ID_QUESTION. Identifiants valides : {ids}",
	"coord.chart_unknown":      "Identifiant de question inconnu. Identifiants valides : {ids}",
	"coord.respondents_header": "Répondants {from}–{to} sur {total}",
	"coord.respondents_line":   "{respondent} · {municipality} · {country} · {status} · {answered}/{total} · {last}",
	"coord.respondents_none":   "Aucun répondant pour l'instant.",
	"coord.next":               "Suivant ›",
	"coord.prev":               "‹ Précédent",
	"coord.remind_done":        "Relances envoyées : {count}.",
	"coord.invite_usage":       "Utilisation : /invite LIBELLÉ (lettres, chiffres, _ et -, 40 caractères au plus)",
	"coord.invite_link":        "Lien pour {label} :\n{link}",
	"coord.error":              "Désolé, cela a échoué : {reason}",
	"coord.chart_answers":      "réponses : {count}",
	"coord.results_question":   "{id} · {answers}",
	"coord.results_choice":     "{count}  {percent}  {label}",
	"coord.percent":            "{value}\u202f%",
	"coord.duration_hours":     "{hours} h {minutes} min",
	"coord.duration_minutes":   "{minutes} min",
	"coord.duration_seconds":   "{seconds} s",
	"coord.median_none":        "—",
	"coord.invite_no_bot":      "Les liens d'invitation nécessitent le bot Telegram, qui n'est pas démarré.",
	"coord.help": "Commandes de coordination :\n" +
		"/results — commencées, terminées, partielles, décompte par question\n" +
		"/export csv|xlsx|json — les réponses dans un fichier\n" +
		"/chart ID_QUESTION — un graphique en barres d'une question\n" +
		"/respondents — chaque répondant et sa progression\n" +
		"/remind — relancer les répondants inactifs depuis plus de 24 h\n" +
		"/invite LIBELLÉ — un lien d'invitation marqué LIBELLÉ",
	"coord.whatsapp_down":  "WhatsApp s'est arrêté : {reason}. Les répondants sur WhatsApp ne reçoivent plus de réponse tant qu'un opérateur n'a pas relancé `surveybot whatsapp-link` puis redémarré le bot. Telegram continue de fonctionner.",
	"coord.whatsapp_later": "Les commandes de coordination sont disponibles sur Telegram.",

	"remind.text":   "Bonjour ! Votre enquête « {title} » n'est pas encore terminée — vous en êtes à {answered} questions sur {total}. Touchez ci-dessous pour reprendre là où vous en étiez.",
	"remind.button": "Continuer",

	"error.internal": "Désolé, un problème est survenu de notre côté. Vos réponses jusqu'ici sont enregistrées ; veuillez réessayer dans une minute.",
}
