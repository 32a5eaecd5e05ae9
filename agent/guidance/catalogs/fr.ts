import type { CatalogData } from './types.js';

/**
 * Français. Consignes caisse à l'infinitif, textes client au vouvoiement. Espace insécable
 * (\u00a0) devant « : ; ? ! » pour que la ponctuation ne passe jamais seule à la ligne.
 */
export const fr: CatalogData = {
  lang: 'fr',
  decimalSeparator: ',',
  entries: {
    'cat.approved': {
      title: 'Accepté',
      action: 'Remettre ticket',
      cashier: 'Paiement accepté.',
      customer: 'Merci, le paiement est accepté.',
      steps: ['Remettre le ticket au client.'],
    },
    'cat.insufficient_funds': {
      title: 'Provision insuffisante',
      reason: 'Solde insuffisant',
      action: 'Autre carte',
      cashier: 'Refusé\u00a0: provision insuffisante. Demander une autre carte.',
      customer:
        'Votre banque a refusé le paiement. Vous pouvez essayer une autre carte ou un montant plus faible.',
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Un montant plus faible peut passer avec la même carte.',
      ],
    },
    'cat.card_problem': {
      title: 'Problème de carte',
      action: 'Autre carte',
      cashier: 'Problème avec la carte. Demander une autre carte.',
      customer: "Cette carte pose problème. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Le client peut se renseigner auprès de sa banque.',
      ],
    },
    'cat.cardholder_verification': {
      title: 'Vérification échouée',
      action: 'Réessayer',
      cashier: 'Vérification du porteur échouée. Réessayer.',
      customer: "La carte n'a pas pu être vérifiée. Merci de réessayer ou d'utiliser une autre carte.",
      steps: ['Relancer le paiement.', 'En cas de nouvel échec, demander une autre carte.'],
    },
    'cat.issuer_decline': {
      title: 'Refusé par la banque',
      action: 'Autre carte',
      cashier: 'Refusé par la banque. Demander une autre carte.',
      customer:
        "Votre banque a refusé le paiement. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Seule la banque du client connaît le motif.',
      ],
    },
    'cat.network': {
      title: 'Problème de connexion',
      reason: 'Souci de connexion',
      action: 'Réessayer 1 fois',
      cashier: 'Problème de connexion. Réessayer une fois.',
      customer: 'Nous avons un problème de connexion. Nous allons réessayer.',
      steps: [
        'Relancer le paiement une fois.',
        'En cas de nouvel échec, vérifier le réseau ou proposer un autre moyen de paiement.',
      ],
    },
    'cat.merchant_setup': {
      title: 'Paramétrage du TPE',
      action: 'Appeler support',
      cashier: 'Paramétrage du TPE à revoir. Appeler le prestataire.',
      customer:
        'Désolé, notre terminal ne peut pas accepter ce paiement pour le moment. Avez-vous un autre moyen de paiement\u00a0?',
      steps: [
        'Accepter un autre moyen de paiement.',
        "Appeler l'assistance du prestataire avec le numéro du terminal.",
      ],
    },
    'cat.system_fault': {
      title: 'Erreur système',
      action: 'Réessayer 1 fois',
      cashier: 'Erreur système. Réessayer une fois.',
      customer: 'Désolé, un problème technique est survenu. Nous allons réessayer.',
      steps: ['Réessayer une fois.', "En cas de nouvel échec, appeler l'assistance du prestataire."],
    },
    'cat.unknown': {
      title: 'Refusé',
      reason: 'Motif inconnu',
      action: 'Autre moyen',
      cashier: 'Refusé (code inconnu). Demander un autre moyen de paiement.',
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Signaler le code au prestataire de paiement.',
      ],
    },

    check_id: {
      title: "Vérifier l'identité",
      action: "Pièce d'identité",
      cashier: "Accepté\u00a0: vérifier d'abord une pièce d'identité.",
      customer: "Merci. Puis-je voir une pièce d'identité, s'il vous plaît\u00a0?",
      steps: [
        'Comparer le nom sur la pièce et sur la carte.',
        "S'ils ne correspondent pas, annuler le paiement.",
      ],
    },
    partial_approval: {
      title: 'Accord partiel',
      action: 'Encaisser reste',
      cashier: 'Montant accepté en partie. Encaisser le reste autrement.',
      customer: 'Seule une partie du montant a été acceptée. Comment souhaitez-vous régler le reste\u00a0?',
      steps: [
        'Vérifier le montant accepté sur le ticket.',
        'Encaisser le reste par une autre carte ou en espèces.',
      ],
    },
    refer_issuer: {
      title: 'Appeler la banque',
      action: 'Script banque',
      cashier: 'La banque demande un appel. Donner au client le script pour la banque.',
      customer: "Votre banque souhaite vous parler. Merci d'appeler le numéro au dos de votre carte.",
      steps: [
        "Imprimer pour le client le script d'appel à la banque.",
        "Ne réessayer qu'après l'accord de la banque.",
      ],
    },
    do_not_honour: {
      title: 'Refusé',
      reason: 'Sans motif',
      action: 'Autre carte',
      cashier: 'Refusé par la banque. Demander une autre carte.',
      customer:
        "Votre banque a refusé le paiement. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Seule la banque peut donner le motif.',
      ],
    },
    pickup: {
      title: 'Refusé\u00a0: stop',
      action: 'Ne pas réessayer',
      cashier: 'Refusé. Ne pas réessayer. Rester calme, suivre la procédure.',
      steps: [
        'Demander poliment un autre moyen de paiement.',
        'Ne pas réessayer cette carte ni supposer un motif.',
        'Ne garder la carte que si la procédure du magasin le prévoit.',
      ],
    },
    security_decline: {
      title: 'Refusé\u00a0: stop',
      action: 'Ne pas réessayer',
      cashier: 'Refusé. Ne pas réessayer. Demander calmement un autre moyen.',
      steps: [
        'Demander poliment un autre moyen de paiement.',
        'Ne pas réessayer cette carte ni supposer un motif.',
        'En cas de doute, appeler le prestataire de paiement.',
      ],
    },
    stop_payment: {
      title: 'Paiement bloqué',
      action: 'Autre moyen',
      cashier: 'Le porteur a bloqué ces paiements. Demander un autre moyen de paiement.',
      customer: "Votre banque a bloqué ce paiement. Merci d'utiliser un autre moyen de paiement.",
      steps: ['Ne pas réessayer cette carte.', 'Le client peut voir ce blocage avec sa banque.'],
    },
    blocked_by_cardholder: {
      title: 'Bloqué par les réglages',
      reason: 'Bloqué par réglages',
      action: 'Autre carte',
      cashier: 'Bloqué par les réglages de la carte. Demander une autre carte.',
      customer:
        'Les réglages de votre carte ont bloqué ce paiement. Vous pouvez les modifier dans votre application bancaire ou utiliser une autre carte.',
      steps: [
        'Laisser le client vérifier son application bancaire.',
        'Réessayer une fois la carte débloquée.',
      ],
    },
    not_permitted: {
      title: 'Non autorisé',
      action: 'Autre carte',
      cashier: 'Carte non autorisée pour cet achat. En demander une autre.',
      customer:
        "Cette carte ne peut pas être utilisée pour cet achat. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: ['Proposer une autre carte ou un autre moyen de paiement.'],
    },
    insufficient_funds: {
      title: 'Provision insuffisante',
      reason: 'Solde insuffisant',
      action: 'Autre carte',
      cashier: 'Refusé\u00a0: provision insuffisante. Autre carte ou montant plus faible.',
      customer:
        'Votre banque a refusé le paiement. Vous pouvez essayer une autre carte ou un montant plus faible.',
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Un montant plus faible peut passer avec la même carte.',
        "Ne pas représenter le montant total sur cette carte aujourd'hui.",
      ],
    },
    limit_exceeded: {
      title: 'Plafond atteint',
      action: 'Autre carte',
      cashier: 'Plafond atteint. Proposer une autre carte ou un montant plus faible.',
      customer:
        'Ce paiement dépasse le plafond de votre carte. Vous pouvez essayer une autre carte ou un montant plus faible.',
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Le client peut demander à sa banque de relever le plafond.',
      ],
    },
    frequency_limit: {
      title: 'Trop de paiements',
      action: 'Autre carte',
      cashier: 'Trop de paiements avec cette carte. Proposer une autre carte.',
      customer:
        'Votre carte a atteint le nombre de paiements autorisé. Vous pouvez utiliser une autre carte ou un autre moyen de paiement.',
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Un montant plus faible ne change rien\u00a0: le plafond compte les paiements.',
        'Le client peut interroger sa banque sur ce plafond.',
      ],
    },
    no_account: {
      title: 'Compte introuvable',
      action: 'Autre compte',
      cashier: 'Pas de compte de ce type sur la carte. Autre compte ou autre carte.',
      customer:
        "Votre carte n'a pas de compte de ce type. Merci de choisir un autre compte ou d'utiliser une autre carte.",
      steps: ['Relancer et laisser le client choisir un autre compte.', 'Ou demander une autre carte.'],
    },
    expired_card: {
      title: 'Carte expirée',
      action: 'Autre carte',
      cashier: 'Carte expirée. Demander une autre carte.',
      customer: "Cette carte a expiré. Merci d'utiliser une autre carte.",
      steps: ['Proposer une autre carte ou un autre moyen de paiement.'],
    },
    invalid_card: {
      title: 'Carte non valable',
      action: 'Autre carte',
      cashier: 'Carte non reconnue. Demander une autre carte.',
      customer:
        "Cette carte ne peut pas être utilisée. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: ['Proposer une autre carte ou un autre moyen de paiement.', 'Ne pas réessayer cette carte.'],
    },
    card_not_active: {
      title: 'Carte non activée',
      action: 'Autre carte',
      cashier: 'Carte pas encore activée. Demander une autre carte.',
      customer:
        "Votre carte ne semble pas encore activée. Merci de l'activer auprès de votre banque ou d'utiliser une autre carte.",
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Réessayer une fois la carte activée.',
      ],
    },
    incorrect_pin: {
      title: 'Code faux',
      action: 'Refaire le code',
      cashier: 'Code faux. Laisser le client le saisir à nouveau.',
      customer: 'Le code est incorrect. Merci de réessayer.',
      steps: [
        'Relancer le paiement\u00a0; le client saisit à nouveau son code.',
        "Après trop d'essais, la carte est bloquée\u00a0: proposer alors une autre carte.",
      ],
    },
    pin_tries_exceeded: {
      title: 'Code bloqué',
      action: 'Autre carte',
      cashier: "Trop d'essais de code. Demander une autre carte.",
      customer:
        "Le code a été saisi trop de fois. Merci d'utiliser une autre carte\u00a0; votre banque peut débloquer le code.",
      steps: ['Proposer une autre carte ou un autre moyen de paiement.', 'Ne pas réessayer cette carte.'],
    },
    chip_pin_required: {
      title: 'Insérer la carte + code',
      reason: 'Puce et code requis',
      action: 'Insérer + code',
      cashier: 'La banque exige puce et code. Faire insérer la carte.',
      customer: "Merci d'insérer votre carte et de saisir votre code.",
      steps: ['Relancer le paiement.', 'Le client insère la carte et saisit son code.'],
    },
    verification_failed: {
      title: 'Contrôle de carte échoué',
      reason: 'Carte non vérifiée',
      action: 'Autre carte',
      cashier: 'Contrôle de la carte échoué. Demander une autre carte.',
      customer:
        "La carte n'a pas pu être vérifiée. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: [
        'Proposer une autre carte ou un autre moyen de paiement.',
        'Le client peut se renseigner auprès de sa banque.',
      ],
    },
    cashback_refused: {
      title: 'Cashback refusé',
      action: 'Achat seul',
      cashier: "Cashback refusé. Refaire l'achat seul.",
      customer:
        "Le retrait d'espèces n'est pas possible avec cette carte. Nous pouvons encaisser l'achat seul.",
      steps: ['Relancer sans cashback.', "Ne remettre d'espèces qu'après un accord."],
    },
    offline_declined: {
      title: 'Refusé par la carte',
      action: 'Autre carte',
      cashier: 'Refusé hors ligne par la carte. Demander une autre carte.',
      customer:
        "La carte a refusé le paiement. Merci d'utiliser une autre carte ou un autre moyen de paiement.",
      steps: ['Proposer une autre carte ou un autre moyen de paiement.'],
    },
    merchant_setup: {
      title: 'Paramétrage du TPE',
      action: 'Appeler support',
      cashier: 'TPE non paramétré pour cela. Appeler le prestataire de paiement.',
      customer:
        'Désolé, notre terminal ne peut pas accepter ce paiement pour le moment. Avez-vous un autre moyen de paiement\u00a0?',
      steps: [
        "Accepter un autre moyen de paiement pour l'instant.",
        "Appeler l'assistance du prestataire avec le numéro du terminal et le code.",
      ],
    },
    invalid_amount: {
      title: 'Montant refusé',
      action: 'Vérifier montant',
      cashier: 'Montant refusé. Vérifier le montant et réessayer.',
      customer: 'Désolé, il y a eu un souci avec le montant. Nous allons recommencer.',
      steps: ['Vérifier le montant et la devise.', 'Relancer le paiement.'],
    },
    try_again: {
      title: 'Réessayer',
      action: 'Refaire paiement',
      cashier: 'Relancer le paiement une fois.',
      customer: 'Désolé, nous allons réessayer.',
      steps: [
        'Relancer le paiement une fois.',
        'En cas de nouvel échec, proposer un autre moyen de paiement.',
      ],
    },
    issuer_unavailable: {
      title: 'Banque injoignable',
      action: 'Réessayer 1 fois',
      cashier: 'Banque de la carte injoignable. Réessayer une fois.',
      customer: 'Votre banque ne répond pas pour le moment. Nous allons réessayer.',
      steps: [
        'Relancer le paiement une fois.',
        'En cas de nouvel échec, proposer un autre moyen de paiement.',
      ],
    },
    system_error: {
      title: 'Erreur système',
      action: 'Réessayer 1 fois',
      cashier: 'Erreur système. Relancer le paiement une fois.',
      customer: 'Désolé, un problème technique est survenu. Nous allons réessayer.',
      steps: ['Réessayer une fois.', "En cas de nouvel échec, appeler l'assistance du prestataire."],
    },
    cutover: {
      title: 'Clôture de la banque',
      action: 'Réessayer + tard',
      cashier: 'La banque clôture sa journée. Réessayer dans quelques minutes.',
      customer:
        'Le système de la banque est occupé un instant. Merci de patienter un peu, ou de payer autrement.',
      steps: ['Attendre quelques minutes, puis réessayer.', 'Ou accepter un autre moyen de paiement.'],
    },
    duplicate: {
      title: 'Doublon possible',
      action: 'Voir le dernier',
      cashier: 'Doublon possible. Vérifier le dernier paiement avant de réessayer.',
      customer: "Un instant, je vérifie que le paiement n'a pas été débité deux fois.",
      steps: [
        'Vérifier les dernières transactions sur le TPE.',
        'Ne réessayer que si le premier paiement a échoué.',
      ],
    },
    in_progress: {
      title: 'En cours',
      action: 'Patienter',
      cashier: 'Paiement en cours. Patienter, ne pas relancer.',
      customer: "Le paiement est en cours de traitement. Un instant, s'il vous plaît.",
      steps: ['Attendre le résultat.', "Ne pas lancer de nouveau paiement d'ici là."],
    },
    host_timeout: {
      title: 'Pas de réponse',
      action: 'Ne pas réessayer',
      cashier: 'Pas de réponse. NE PAS réessayer : annulation en cours.',
      customer: "La banque n'a pas répondu. Un instant : nous vérifions que vous n'êtes pas débité.",
      steps: [
        'Ne pas relancer le paiement pour le moment.',
        'Attendre « Annulé. Vous pouvez réessayer » sur cet écran.',
      ],
    },
    link_down: {
      title: 'Pas de connexion',
      action: 'Vérifier réseau',
      cashier: 'Pas de connexion avec la banque. Vérifier le réseau, puis réessayer.',
      customer: "Nous avons un problème de connexion. Un instant, s'il vous plaît.",
      steps: [
        'Vérifier le câble réseau ou le Wi-Fi.',
        'Réessayer une fois la connexion rétablie, ou accepter un autre moyen de paiement.',
      ],
    },
    card_read_error: {
      title: 'Carte illisible',
      action: 'Carte à nouveau',
      cashier: 'Carte illisible. Insérer, présenter ou glisser la carte à nouveau.',
      customer: "La carte n'a pas pu être lue. Merci de réessayer.",
      steps: [
        'Insérer, présenter ou glisser la carte à nouveau.',
        'Si cela échoue encore, demander une autre carte.',
      ],
    },
    card_removed: {
      title: 'Carte retirée trop tôt',
      reason: 'Retirée trop tôt',
      action: 'Laisser la carte',
      cashier: 'Carte retirée trop tôt. Relancer et laisser la carte insérée.',
      customer:
        "La carte a été retirée trop tôt. Merci de l'insérer à nouveau et de la laisser jusqu'à la fin.",
      steps: ['Relancer le paiement.', "Ne retirer la carte que lorsque le terminal l'indique."],
    },
    pin_timeout: {
      title: 'Délai du code dépassé',
      reason: 'Délai code dépassé',
      action: 'Recommencer',
      cashier: 'Code non saisi à temps. Relancer le paiement.',
      customer: 'Le délai pour saisir le code est dépassé. Nous allons réessayer.',
      steps: ['Relancer le paiement.'],
    },
    customer_cancel: {
      title: 'Annulé',
      reason: 'Client a annulé',
      action: 'Demander client',
      status: 'ANNULÉ',
      cashier: 'Le client a annulé le paiement.',
      customer: 'Le paiement a été annulé. Souhaitez-vous réessayer ou payer autrement\u00a0?',
      steps: ['Relancer si le client souhaite payer.'],
    },
    malformed_response: {
      title: 'Réponse illisible',
      action: 'Vérifier statut',
      cashier: "Réponse de la banque illisible. Vérifier l'état avant de réessayer.",
      customer: 'Désolé, un problème technique est survenu. Je vérifie le paiement.',
      steps: [
        "Vérifier l'état de la dernière transaction sur le TPE.",
        "Ne réessayer que si elle n'a pas été acceptée.",
      ],
    },
    reversal_pending: {
      title: 'Annulation en cours',
      action: 'Patienter',
      cashier: 'Annulation du paiement précédent en cours. Patienter, puis réessayer.',
      customer: "Un instant, s'il vous plaît\u00a0: la tentative précédente est en cours d'annulation.",
      steps: ["Attendre la confirmation de l'annulation.", 'Puis relancer le paiement.'],
    },
    reversed: {
      title: 'Annulé',
      action: 'Réessayer',
      cashier: 'Annulé. Vous pouvez réessayer.',
      customer: 'La tentative précédente a été annulée. Nous pouvons relancer le paiement.',
      steps: ['Relancer le paiement.', "Le client n'a pas été débité pour la tentative sans réponse."],
    },
    reversal_failed: {
      title: 'Annulation refusée',
      action: 'Appeler support',
      cashier: 'Annulation refusée : ne pas réessayer, appeler le support.',
      customer: 'Un instant, je vérifie si le paiement est passé.',
      steps: [
        'Ne pas débiter le client une seconde fois.',
        "Appeler l'assistance du prestataire avec l'ID terminal et le numéro de trace.",
      ],
    },
    approved_late: {
      title: 'Accepté en retard',
      action: 'Ne pas redébiter',
      status: 'ACCEPTÉ TARD',
      cashier: 'Accepté en retard : ne pas débiter à nouveau.',
      customer: 'Bonne nouvelle : le paiement est bien passé.',
      steps: ['Ne pas relancer le paiement.', 'Remettre le ticket au client.'],
    },
    double_charge: {
      title: 'Double débit ?',
      action: 'Voir derniers',
      status: 'VÉRIFIER',
      cashier: 'Double débit possible : vérifier les dernières ventes.',
      customer: "Un instant, je vérifie que vous n'avez été débité qu'une fois.",
      steps: [
        'Vérifier les dernières ventes avec la même carte et le même montant.',
        'Rembourser la seconde si le client a payé deux fois.',
      ],
    },
    stop_retrying: {
      title: 'Ne plus réessayer',
      action: 'Ne pas réessayer',
      cashier: 'Ne plus réessayer cette carte. Demander un autre moyen de paiement.',
      customer:
        "Cette carte ne peut pas être utilisée pour le moment. Merci d'utiliser un autre moyen de paiement.",
      steps: [
        "Ne plus présenter cette carte aujourd'hui.",
        'Les essais répétés coûtent des frais et inquiètent le client.',
      ],
    },
  },
  strings: {
    'common.customer_declined': "Le paiement a été refusé. Merci d'utiliser un autre moyen de paiement.",
    'emv.01': '(MONTANT)',
    'emv.02': '(MONTANT) OK\u00a0?',
    'emv.02.short': 'MONTANT OK\u00a0?',
    'emv.03': 'PAIEMENT ACCEPTÉ',
    'emv.03.short': 'ACCEPTÉ',
    'emv.04': 'APPELEZ VOTRE BANQUE',
    'emv.04.short': 'APPEL BANQUE',
    'emv.05': 'ANNULER OU VALIDER',
    'emv.05.short': 'ANNULER/OK',
    'emv.06': 'ERREUR CARTE',
    'emv.07': 'REFUSÉ',
    'emv.08': 'SAISIR LE MONTANT',
    'emv.08.short': 'MONTANT\u00a0?',
    'emv.09': 'TAPEZ VOTRE CODE',
    'emv.09.short': 'SAISIR CODE',
    'emv.0A': 'CODE FAUX',
    'emv.0B': 'INSÉREZ LA CARTE',
    'emv.0B.short': 'INSÉREZ',
    'emv.0C': 'CARTE NON ACCEPTÉE',
    'emv.0C.short': 'NON ACCEPTÉE',
    'emv.0D': 'CODE BON',
    'emv.0E': 'PATIENTEZ',
    'emv.0F': 'ERREUR DE TRAITEMENT',
    'emv.0F.short': 'ERREUR',
    'emv.10': 'RETIREZ LA CARTE',
    'emv.10.short': 'RETIREZ',
    'emv.11': 'UTILISEZ LA PUCE',
    'emv.11.short': 'PUCE',
    'emv.12': 'UTILISEZ LA PISTE',
    'emv.12.short': 'PISTE',
    'emv.13': 'RÉESSAYEZ',
    'emv.14': 'BIENVENUE',
    'script.title': 'Contacter la banque émettrice',
    'script.ask.decline':
      "Bonjour, un paiement par carte a été refusé. Pouvez-vous m'indiquer pourquoi, et si la carte peut être utilisée\u00a0? Voici les détails\u00a0:",
    'script.ask.referral':
      "Bonjour, le terminal de paiement nous demande de vous appeler pour ce paiement. Pouvez-vous l'autoriser et me donner un numéro d'autorisation\u00a0? Voici les détails\u00a0:",
    'script.ask.technical':
      "Bonjour, un paiement par carte a été interrompu par une erreur technique. Pouvez-vous vérifier s'il vous est parvenu, et s'il a été accepté ou annulé\u00a0? Voici les détails\u00a0:",
    'script.closing': "Notez le nom de votre interlocuteur et l'heure de l'appel.",
    'label.time_local': 'Heure (locale)',
    'label.time_utc': 'Heure (UTC)',
    'label.merchant': 'Commerçant',
    'label.merchant_id': 'N° commerçant',
    'label.terminal_id': 'N° terminal',
    'label.amount': 'Montant',
    'label.card': 'Carte',
    'label.stan': 'N° de trace (STAN)',
    'label.rrn': 'N° de référence (RRN)',
    'label.auth_code': "N° d'autorisation",
    'label.response_code': 'Code réponse',
    // script: transaction type, card entry mode, acquirer (issue 11)
    'label.transaction': 'Opération',
    'label.entry_mode': 'Lecture carte',
    'label.acquirer': 'Acquéreur',
    'txn.purchase': 'Paiement',
    'txn.preauth': 'Pré-autorisation',
    'txn.cash_advance': "Avance d'espèces",
    'txn.cashback': 'Paiement avec retrait',
    'txn.refund': 'Remboursement',
    'txn.reversal': 'Annulation',
    'entry.chip': 'Puce',
    'entry.contactless': 'Sans contact',
    'entry.magstripe': 'Piste magnétique',
    'entry.manual': 'Saisie manuelle',
    'entry.fallback': 'Piste (puce en échec)',
  },
};
