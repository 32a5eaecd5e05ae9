import type { CatalogData } from './types.js';

/** Deutsch. Kassentexte im Infinitiv (wie auf Kassensystemen üblich), Kundentexte mit „Sie“. */
export const de: CatalogData = {
  lang: 'de',
  decimalSeparator: ',',
  entries: {
    'cat.approved': {
      title: 'Genehmigt',
      cashier: 'Zahlung genehmigt.',
      customer: 'Vielen Dank, die Zahlung war erfolgreich.',
      steps: ['Beleg aushändigen.'],
    },
    'cat.insufficient_funds': {
      title: 'Keine Deckung',
      cashier: 'Abgelehnt: keine Deckung. Um eine andere Karte bitten.',
      customer:
        'Ihre Bank hat die Zahlung abgelehnt. Bitte versuchen Sie es mit einer anderen Karte oder einem kleineren Betrag.',
      steps: [
        'Andere Karte oder Zahlungsart anbieten.',
        'Ein kleinerer Betrag klappt eventuell mit derselben Karte.',
      ],
    },
    'cat.card_problem': {
      title: 'Problem mit der Karte',
      cashier: 'Problem mit der Karte. Um eine andere Karte bitten.',
      customer:
        'Mit dieser Karte gibt es ein Problem. Bitte zahlen Sie mit einer anderen Karte oder auf andere Weise.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Der Kunde kann bei seiner Bank nachfragen.'],
    },
    'cat.cardholder_verification': {
      title: 'Prüfung fehlgeschlagen',
      cashier: 'Prüfung des Karteninhabers fehlgeschlagen. Erneut versuchen.',
      customer:
        'Die Karte konnte nicht bestätigt werden. Bitte versuchen Sie es noch einmal oder nutzen Sie eine andere Karte.',
      steps: ['Zahlung neu starten.', 'Klappt es wieder nicht: um eine andere Karte bitten.'],
    },
    'cat.issuer_decline': {
      title: 'Von der Bank abgelehnt',
      cashier: 'Von der Bank abgelehnt. Um eine andere Karte bitten.',
      customer: 'Ihre Bank hat die Zahlung abgelehnt. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Den Grund kennt nur die Bank des Kunden.'],
    },
    'cat.network': {
      title: 'Verbindungsproblem',
      cashier: 'Verbindungsproblem. Noch einmal versuchen.',
      customer: 'Wir haben gerade ein Verbindungsproblem. Wir versuchen es gleich noch einmal.',
      steps: [
        'Zahlung noch einmal versuchen.',
        'Klappt es wieder nicht: Netzwerk prüfen oder andere Zahlungsart anbieten.',
      ],
    },
    'cat.merchant_setup': {
      title: 'Terminal-Einrichtung',
      cashier: 'Terminal falsch eingerichtet. Netzbetreiber anrufen.',
      customer: 'Leider kann unser Terminal diese Zahlung gerade nicht annehmen. Können Sie anders bezahlen?',
      steps: ['Andere Zahlungsart annehmen.', 'Support des Netzbetreibers mit der Terminal-ID anrufen.'],
    },
    'cat.system_fault': {
      title: 'Systemfehler',
      cashier: 'Systemfehler. Noch einmal versuchen.',
      customer: 'Entschuldigung, es gab ein technisches Problem. Wir versuchen es noch einmal.',
      steps: ['Noch einmal versuchen.', 'Klappt es wieder nicht: Support des Netzbetreibers anrufen.'],
    },
    'cat.unknown': {
      title: 'Abgelehnt',
      cashier: 'Abgelehnt (unbekannter Code). Um eine andere Zahlungsart bitten.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Code an den Netzbetreiber melden.'],
    },

    check_id: {
      title: 'Ausweis prüfen',
      cashier: 'Genehmigt: vorher den Ausweis des Kunden prüfen.',
      customer: 'Vielen Dank. Dürfte ich bitte kurz Ihren Ausweis sehen?',
      steps: ['Namen auf Ausweis und Karte vergleichen.', 'Passt er nicht: Zahlung stornieren.'],
    },
    partial_approval: {
      title: 'Teilweise genehmigt',
      cashier: 'Nur ein Teilbetrag genehmigt. Rest anders kassieren.',
      customer: 'Es wurde nur ein Teil des Betrags genehmigt. Wie möchten Sie den Rest bezahlen?',
      steps: ['Genehmigten Betrag auf dem Beleg prüfen.', 'Rest mit einer anderen Karte oder bar kassieren.'],
    },
    refer_issuer: {
      title: 'Bank anrufen',
      cashier: 'Bank verlangt Anruf. Kunden den Gesprächsleitfaden geben.',
      customer:
        'Ihre Bank möchte mit Ihnen sprechen. Bitte rufen Sie die Nummer auf der Rückseite Ihrer Karte an.',
      steps: [
        'Gesprächsleitfaden für die Bank ausdrucken.',
        'Erst nach Freigabe durch die Bank erneut versuchen.',
      ],
    },
    do_not_honour: {
      title: 'Abgelehnt',
      cashier: 'Von der Bank abgelehnt. Um eine andere Karte bitten.',
      customer: 'Ihre Bank hat die Zahlung abgelehnt. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Den Grund nennt nur die Bank.'],
    },
    pickup: {
      title: 'Abgelehnt: Stopp',
      cashier: 'Abgelehnt. Nicht erneut versuchen. Ruhig bleiben, Hausregel folgen.',
      steps: [
        'Freundlich um eine andere Zahlungsart bitten.',
        'Karte nicht erneut versuchen, keinen Grund vermuten.',
        'Karte nur einbehalten, wenn die Hausregel es vorsieht.',
      ],
    },
    security_decline: {
      title: 'Abgelehnt: Stopp',
      cashier: 'Abgelehnt. Nicht erneut versuchen. Ruhig um andere Zahlungsart bitten.',
      steps: [
        'Freundlich um eine andere Zahlungsart bitten.',
        'Karte nicht erneut versuchen, keinen Grund vermuten.',
        'Im Zweifel den Netzbetreiber anrufen.',
      ],
    },
    stop_payment: {
      title: 'Zahlung gestoppt',
      cashier: 'Vom Karteninhaber gestoppt. Um andere Zahlungsart bitten.',
      customer: 'Ihre Bank hat diese Zahlung gestoppt. Bitte nutzen Sie eine andere Zahlungsart.',
      steps: ['Karte nicht erneut versuchen.', 'Der Kunde kann das mit seiner Bank klären.'],
    },
    blocked_by_cardholder: {
      title: 'In Karteneinstellungen gesperrt',
      cashier: 'In den Einstellungen der Karte gesperrt. Um eine andere Karte bitten.',
      customer:
        'Die Einstellungen Ihrer Karte haben diese Zahlung blockiert. Sie können das in Ihrer Banking-App ändern oder eine andere Karte nutzen.',
      steps: ['Kunde prüft seine Banking-App.', 'Nach der Freigabe erneut versuchen.'],
    },
    not_permitted: {
      title: 'Nicht zulässig',
      cashier: 'Karte für diesen Kauf nicht zulässig. Um eine andere bitten.',
      customer:
        'Diese Karte kann für diesen Einkauf nicht verwendet werden. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.'],
    },
    insufficient_funds: {
      title: 'Keine Deckung',
      cashier: 'Abgelehnt: keine Deckung. Andere Karte oder kleineren Betrag anbieten.',
      customer:
        'Ihre Bank hat die Zahlung abgelehnt. Bitte versuchen Sie es mit einer anderen Karte oder einem kleineren Betrag.',
      steps: [
        'Andere Karte oder Zahlungsart anbieten.',
        'Ein kleinerer Betrag klappt eventuell mit derselben Karte.',
        'Den vollen Betrag heute nicht erneut mit dieser Karte versuchen.',
      ],
    },
    limit_exceeded: {
      title: 'Limit erreicht',
      cashier: 'Kartenlimit erreicht. Andere Karte oder kleineren Betrag anbieten.',
      customer:
        'Diese Zahlung übersteigt das Limit Ihrer Karte. Bitte versuchen Sie es mit einer anderen Karte oder einem kleineren Betrag.',
      steps: [
        'Andere Karte oder Zahlungsart anbieten.',
        'Der Kunde kann seine Bank bitten, das Limit zu erhöhen.',
      ],
    },
    no_account: {
      title: 'Konto nicht vorhanden',
      cashier: 'Kein Konto dieser Art auf der Karte. Anderes Konto oder andere Karte.',
      customer:
        'Zu Ihrer Karte gibt es kein Konto dieser Art. Bitte wählen Sie ein anderes Konto oder nutzen Sie eine andere Karte.',
      steps: ['Neu starten, der Kunde wählt ein anderes Konto.', 'Oder um eine andere Karte bitten.'],
    },
    expired_card: {
      title: 'Karte abgelaufen',
      cashier: 'Karte abgelaufen. Um eine andere Karte bitten.',
      customer: 'Diese Karte ist abgelaufen. Bitte nutzen Sie eine andere Karte.',
      steps: ['Andere Karte oder Zahlungsart anbieten.'],
    },
    invalid_card: {
      title: 'Karte ungültig',
      cashier: 'Karte nicht erkannt. Um eine andere Karte bitten.',
      customer:
        'Diese Karte kann nicht verwendet werden. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Diese Karte nicht erneut versuchen.'],
    },
    card_not_active: {
      title: 'Karte nicht aktiviert',
      cashier: 'Karte noch nicht aktiviert. Um eine andere Karte bitten.',
      customer:
        'Ihre Karte ist offenbar noch nicht aktiviert. Bitte aktivieren Sie sie bei Ihrer Bank oder nutzen Sie eine andere Karte.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Nach der Aktivierung erneut versuchen.'],
    },
    incorrect_pin: {
      title: 'PIN falsch',
      cashier: 'PIN falsch. Der Kunde soll die PIN neu eingeben.',
      customer: 'Die PIN war leider falsch. Bitte versuchen Sie es noch einmal.',
      steps: [
        'Zahlung neu starten, der Kunde gibt die PIN erneut ein.',
        'Nach zu vielen Fehlversuchen wird die Karte gesperrt: dann andere Karte anbieten.',
      ],
    },
    pin_tries_exceeded: {
      title: 'PIN-Versuche aufgebraucht',
      cashier: 'Zu viele PIN-Versuche. Um eine andere Karte bitten.',
      customer:
        'Die PIN wurde zu oft falsch eingegeben. Bitte nutzen Sie eine andere Karte; Ihre Bank kann die PIN wieder freischalten.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Diese Karte nicht erneut versuchen.'],
    },
    chip_pin_required: {
      title: 'Karte stecken und PIN',
      cashier: 'Die Bank verlangt Chip und PIN. Kunde soll die Karte stecken.',
      customer: 'Bitte stecken Sie Ihre Karte ein und geben Sie Ihre PIN ein.',
      steps: ['Zahlung neu starten.', 'Der Kunde steckt die Karte und gibt die PIN ein.'],
    },
    verification_failed: {
      title: 'Kartenprüfung fehlgeschlagen',
      cashier: 'Kartenprüfung fehlgeschlagen. Um eine andere Karte bitten.',
      customer: 'Die Karte konnte nicht geprüft werden. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.', 'Der Kunde kann bei seiner Bank nachfragen.'],
    },
    cashback_refused: {
      title: 'Keine Bargeldauszahlung',
      cashier: 'Bargeldauszahlung abgelehnt. Nur den Einkauf buchen.',
      customer: 'Mit dieser Karte ist leider keine Bargeldauszahlung möglich. Wir buchen nur den Einkauf.',
      steps: ['Ohne Bargeldauszahlung neu starten.', 'Bargeld nur nach einer Genehmigung auszahlen.'],
    },
    offline_declined: {
      title: 'Von der Karte abgelehnt',
      cashier: 'Die Karte hat offline abgelehnt. Um eine andere Karte bitten.',
      customer: 'Die Karte hat die Zahlung abgelehnt. Bitte nutzen Sie eine andere Karte oder Zahlungsart.',
      steps: ['Andere Karte oder Zahlungsart anbieten.'],
    },
    merchant_setup: {
      title: 'Terminal-Einrichtung',
      cashier: 'Terminal dafür nicht eingerichtet. Netzbetreiber anrufen.',
      customer: 'Leider kann unser Terminal diese Zahlung gerade nicht annehmen. Können Sie anders bezahlen?',
      steps: [
        'Vorerst eine andere Zahlungsart annehmen.',
        'Support des Netzbetreibers mit Terminal-ID und Code anrufen.',
      ],
    },
    invalid_amount: {
      title: 'Betrag abgelehnt',
      cashier: 'Betrag abgelehnt. Betrag prüfen und neu versuchen.',
      customer: 'Entschuldigung, mit dem Betrag stimmte etwas nicht. Wir versuchen es noch einmal.',
      steps: ['Betrag und Währung prüfen.', 'Zahlung neu starten.'],
    },
    try_again: {
      title: 'Erneut versuchen',
      cashier: 'Zahlung bitte noch einmal starten.',
      customer: 'Entschuldigung, wir versuchen es noch einmal.',
      steps: ['Zahlung einmal wiederholen.', 'Klappt es wieder nicht: andere Zahlungsart anbieten.'],
    },
    issuer_unavailable: {
      title: 'Bank nicht erreichbar',
      cashier: 'Bank der Karte nicht erreichbar. Noch einmal versuchen.',
      customer: 'Ihre Bank ist gerade nicht erreichbar. Wir versuchen es noch einmal.',
      steps: ['Zahlung noch einmal versuchen.', 'Klappt es wieder nicht: andere Zahlungsart anbieten.'],
    },
    system_error: {
      title: 'Systemfehler',
      cashier: 'Systemfehler. Zahlung noch einmal versuchen.',
      customer: 'Entschuldigung, es gab ein technisches Problem. Wir versuchen es noch einmal.',
      steps: ['Noch einmal versuchen.', 'Klappt es wieder nicht: Support des Netzbetreibers anrufen.'],
    },
    cutover: {
      title: 'Tagesabschluss der Bank',
      cashier: 'Die Bank macht Tagesabschluss. In ein paar Minuten erneut versuchen.',
      customer:
        'Das System der Bank ist kurz beschäftigt. Bitte warten Sie einen Moment oder zahlen Sie anders.',
      steps: ['Ein paar Minuten warten, dann erneut versuchen.', 'Oder eine andere Zahlungsart annehmen.'],
    },
    duplicate: {
      title: 'Mögliche Doppelbuchung',
      cashier: 'Mögliche Doppelbuchung. Erst letzte Zahlung prüfen.',
      customer: 'Einen Moment, ich prüfe kurz, dass nichts doppelt gebucht wurde.',
      steps: [
        'Letzte Buchungen am Terminal prüfen.',
        'Nur wiederholen, wenn die erste Zahlung fehlgeschlagen ist.',
      ],
    },
    in_progress: {
      title: 'Wird bearbeitet',
      cashier: 'Zahlung läuft noch. Warten, nicht neu starten.',
      customer: 'Die Zahlung wird noch bearbeitet. Einen Moment bitte.',
      steps: ['Auf das Ergebnis warten.', 'Bis dahin keine neue Zahlung starten.'],
    },
    host_timeout: {
      title: 'Keine Antwort',
      cashier: 'Keine Antwort von der Bank. Noch einmal versuchen.',
      customer: 'Die Bank hat nicht rechtzeitig geantwortet. Wir versuchen es noch einmal.',
      steps: [
        'Zahlung noch einmal versuchen.',
        'Klappt es wieder nicht: Verbindung prüfen oder andere Zahlungsart anbieten.',
      ],
    },
    link_down: {
      title: 'Keine Verbindung',
      cashier: 'Keine Verbindung zur Bank. Netzwerk prüfen, dann wiederholen.',
      customer: 'Wir haben gerade ein Verbindungsproblem. Einen Moment bitte.',
      steps: [
        'Netzwerkkabel oder WLAN prüfen.',
        'Wiederholen, sobald die Verbindung steht, oder andere Zahlungsart annehmen.',
      ],
    },
    card_read_error: {
      title: 'Karte nicht gelesen',
      cashier: 'Karte nicht lesbar. Erneut stecken, auflegen oder durchziehen.',
      customer: 'Die Karte konnte nicht gelesen werden. Bitte versuchen Sie es noch einmal.',
      steps: [
        'Karte erneut stecken, auflegen oder durchziehen.',
        'Klappt es nicht: um eine andere Karte bitten.',
      ],
    },
    card_removed: {
      title: 'Karte zu früh gezogen',
      cashier: 'Karte zu früh gezogen. Neu starten, Karte stecken lassen.',
      customer:
        'Die Karte wurde zu früh herausgezogen. Bitte stecken Sie sie erneut ein und lassen Sie sie bis zum Ende stecken.',
      steps: ['Zahlung neu starten.', 'Karte erst ziehen, wenn das Terminal dazu auffordert.'],
    },
    pin_timeout: {
      title: 'PIN-Eingabe abgelaufen',
      cashier: 'PIN nicht rechtzeitig eingegeben. Neu starten.',
      customer: 'Die Zeit für die PIN-Eingabe ist abgelaufen. Wir versuchen es noch einmal.',
      steps: ['Zahlung neu starten.'],
    },
    customer_cancel: {
      title: 'Abgebrochen',
      cashier: 'Der Kunde hat die Zahlung abgebrochen.',
      customer: 'Die Zahlung wurde abgebrochen. Möchten Sie es noch einmal versuchen oder anders bezahlen?',
      steps: ['Neu starten, wenn der Kunde zahlen möchte.'],
    },
    malformed_response: {
      title: 'Antwort unlesbar',
      cashier: 'Antwort der Bank unlesbar. Erst den Status prüfen, dann wiederholen.',
      customer: 'Entschuldigung, es gab ein technisches Problem. Ich prüfe kurz die Zahlung.',
      steps: [
        'Status der letzten Zahlung am Terminal prüfen.',
        'Nur wiederholen, wenn sie nicht genehmigt wurde.',
      ],
    },
    reversal_pending: {
      title: 'Storno läuft',
      cashier: 'Die vorige Zahlung wird storniert. Warten, dann wiederholen.',
      customer: 'Einen Moment bitte, der vorige Versuch wird gerade storniert.',
      steps: ['Warten, bis das Storno bestätigt ist.', 'Dann die Zahlung neu starten.'],
    },
    stop_retrying: {
      title: 'Nicht mehr versuchen',
      cashier: 'Diese Karte nicht mehr versuchen. Um eine andere Zahlungsart bitten.',
      customer: 'Diese Karte kann gerade nicht verwendet werden. Bitte nutzen Sie eine andere Zahlungsart.',
      steps: [
        'Diese Karte heute nicht mehr einsetzen.',
        'Wiederholte Versuche kosten Gebühren und verunsichern den Kunden.',
      ],
    },
  },
  strings: {
    'common.customer_declined': 'Die Zahlung wurde abgelehnt. Bitte nutzen Sie eine andere Zahlungsart.',
    'emv.01': '(BETRAG)',
    'emv.02': '(BETRAG) OK?',
    'emv.03': 'GENEHMIGT',
    'emv.04': 'BITTE BANK ANRUFEN',
    'emv.05': 'ABBRUCH ODER EINGABE',
    'emv.06': 'KARTENFEHLER',
    'emv.07': 'ABGELEHNT',
    'emv.08': 'BETRAG EINGEBEN',
    'emv.09': 'PIN EINGEBEN',
    'emv.0A': 'PIN FALSCH',
    'emv.0B': 'KARTE EINSTECKEN',
    'emv.0C': 'NICHT AKZEPTIERT',
    'emv.0D': 'PIN OK',
    'emv.0E': 'BITTE WARTEN',
    'emv.0F': 'VERARBEITUNGSFEHLER',
    'emv.10': 'KARTE ENTNEHMEN',
    'emv.11': 'CHIP-LESER NUTZEN',
    'emv.12': 'MAGNETSTREIFEN NUTZEN',
    'emv.13': 'BITTE WIEDERHOLEN',
    'script.title': 'Kartenausgebende Bank anrufen',
    'script.ask.decline':
      'Guten Tag, eine Kartenzahlung wurde abgelehnt. Können Sie mir sagen, warum, und ob die Karte genutzt werden kann? Die Angaben:',
    'script.ask.referral':
      'Guten Tag, das Zahlungsterminal hat uns gebeten, Sie wegen dieser Zahlung anzurufen. Können Sie sie freigeben und mir eine Genehmigungsnummer nennen? Die Angaben:',
    'script.ask.technical':
      'Guten Tag, eine Kartenzahlung wurde durch einen technischen Fehler unterbrochen. Können Sie prüfen, ob sie bei Ihnen angekommen ist und ob sie genehmigt oder storniert wurde? Die Angaben:',
    'script.closing': 'Notieren Sie den Namen Ihres Gesprächspartners und die Uhrzeit des Anrufs.',
    'label.time_local': 'Uhrzeit (lokal)',
    'label.time_utc': 'Uhrzeit (UTC)',
    'label.merchant': 'Händler',
    'label.merchant_id': 'Händler-ID',
    'label.terminal_id': 'Terminal-ID',
    'label.amount': 'Betrag',
    'label.card': 'Karte',
    'label.stan': 'Trace-Nr. (STAN)',
    'label.rrn': 'Referenz-Nr. (RRN)',
    'label.auth_code': 'Genehmigungs-Nr.',
    'label.response_code': 'Antwortcode',
    // script: transaction type, card entry mode, acquirer (issue 11)
    'label.transaction': 'Vorgang',
    'label.entry_mode': 'Karte gelesen per',
    'label.acquirer': 'Acquirer',
    'txn.purchase': 'Zahlung',
    'txn.preauth': 'Vorautorisierung',
    'txn.cash_advance': 'Bargeldauszahlung',
    'txn.cashback': 'Zahlung mit Bargeld',
    'txn.refund': 'Gutschrift',
    'txn.reversal': 'Storno',
    'entry.chip': 'Chip',
    'entry.contactless': 'Kontaktlos',
    'entry.magstripe': 'Magnetstreifen',
    'entry.manual': 'Manuelle Eingabe',
    'entry.fallback': 'Magnetstreifen (Chip gestört)',
  },
};
