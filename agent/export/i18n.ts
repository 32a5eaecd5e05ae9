/**
 * Texts of the export: the HTML report's labels, category and retry-advice names, and a
 * per-category "next step" used when the guidance catalog has no better text for a row.
 * Data, one table per language; placeholders are {name}.
 */
import type { Lang } from '../guidance/langs.js';
import type { Category, Outcome, RecoveryMeans, RetryAdvice } from '../record.js';

export interface ReportTexts {
  /** BCP 47 tag for <html lang> and number/date formatting. */
  locale: string;
  title: string;
  generated: string;
  filters: string;
  noFilters: string;
  summary: string;
  records: string;
  failures: string;
  terminals: string;
  period: string;
  byCategory: string;
  byHour: string;
  byDay: string;
  localTimeNote: string;
  topCodes: string;
  code: string;
  source: string;
  meaning: string;
  category: string;
  count: string;
  share: string;
  lostRevenue: string;
  lostRevenueNote: string;
  /** Heading of the recovered sales (failures paid afterwards, not lost revenue). */
  recovered: string;
  /** {n}: how many failures were recovered. */
  recoveredNote: string;
  /** How a failed sale was recovered (agent/record.ts RECOVERY_MEANS). */
  recoveryMeans: Record<RecoveryMeans, string>;
  /** Column header: where the failed sale ended up. */
  outcome: string;
  /** Names of the outcomes (agent/record.ts OUTCOMES; docs/outcomes.md). */
  outcomes: Record<Outcome, string>;
  /** The merchant's next step for a sale that needs nothing more (paid later, or written off). */
  settledSteps: Record<'recovered' | 'written_off', string>;
  currency: string;
  amount: string;
  table: string;
  tableCapped: string;
  time: string;
  terminal: string;
  card: string;
  stan: string;
  rrn: string;
  nextStep: string;
  /** Summary of the per-failure contact-issuer script block. */
  issuerScript: string;
  retry: string;
  none: string;
  categories: Record<Category, string>;
  retryAdvice: Record<RetryAdvice, string>;
  /** Fallback next step for the merchant, by category. */
  nextSteps: Record<Category, string>;
}

const en: ReportTexts = {
  locale: 'en',
  title: 'Card payment failures',
  generated: 'Generated {at}',
  filters: 'Filters',
  noFilters: 'none (all records)',
  summary: 'Summary',
  records: 'Records',
  failures: 'Failed payments',
  terminals: 'Terminals',
  period: 'Period',
  byCategory: 'Failures by reason',
  byHour: 'Failures per hour',
  byDay: 'Failures per day',
  localTimeNote: 'Times are the terminal’s local time.',
  topCodes: 'Most frequent response codes',
  code: 'Code',
  source: 'Source',
  meaning: 'Meaning',
  category: 'Reason',
  count: 'Count',
  share: 'Share',
  lostRevenue: 'Estimated lost revenue',
  lostRevenueNote:
    'Sum of the amounts of failed payments not recovered afterwards; a customer who paid another way (cash, another terminal) is still counted.',
  recovered: 'Recovered afterwards',
  recoveredNote: '{n} failed payments were paid afterwards and are not counted as lost revenue.',
  recoveryMeans: {
    same_card: 'same card, approved later',
    other_card: 'another card, same amount',
    late_approval: 'late approval by the bank',
  },
  outcome: 'Outcome',
  outcomes: {
    declined: 'declined',
    timed_out: 'timed out',
    reversal_sent: 'reversal sent',
    reversed: 'reversed',
    reversal_failed: 'reversal failed',
    approved_late: 'approved late',
    possible_double_charge: 'possible double charge',
    recovered: 'paid afterwards',
    written_off: 'written off',
  },
  settledSteps: { recovered: 'Paid afterwards: nothing to do', written_off: 'Written off: nothing to do' },
  currency: 'Currency',
  amount: 'Amount',
  table: 'Failed payments',
  tableCapped:
    'Showing the newest {shown} of {total} records; the totals and charts above cover all of them.',
  time: 'Time',
  terminal: 'Terminal',
  card: 'Card',
  stan: 'STAN',
  rrn: 'RRN',
  nextStep: 'Next step',
  issuerScript: 'Script for calling the card issuer',
  retry: 'Retry',
  none: 'No failures match these filters.',
  categories: {
    insufficient_funds: 'Insufficient funds',
    card_problem: 'Card problem',
    cardholder_verification: 'Cardholder verification',
    issuer_decline: 'Declined by the bank',
    network: 'Network / host',
    merchant_setup: 'Merchant set-up',
    system_fault: 'System fault',
    approved: 'Approved',
    unknown: 'Unknown',
  },
  retryAdvice: {
    retry_now: 'retry once now',
    retry_later: 'retry later',
    after_customer_action: 'after the customer acts',
    never_same_card: 'never with this card',
    no_retry_needed: 'not needed',
  },
  nextSteps: {
    insufficient_funds: 'Ask for another card or a smaller amount; the same card may work later.',
    card_problem:
      'Ask for another card or payment method; the customer should ask their bank about the card.',
    cardholder_verification: 'Let the customer try again with the chip and the correct PIN.',
    issuer_decline:
      'Ask for another card or payment method; the customer can call their bank. Do not retry this card.',
    network:
      'Check the terminal’s connection and retry once; if it fails again, take another payment method.',
    merchant_setup: 'Call your acquirer’s support: the terminal or merchant account needs a set-up fix.',
    system_fault: 'Retry once; if it keeps failing, restart the terminal and call support.',
    approved: 'No action needed.',
    unknown: 'Ask for another payment method and check the code with your acquirer.',
  },
};

const zh: ReportTexts = {
  locale: 'zh-CN',
  title: '银行卡交易失败报告',
  generated: '生成时间：{at}',
  filters: '筛选条件',
  noFilters: '无（全部记录）',
  summary: '概览',
  records: '记录数',
  failures: '失败交易',
  terminals: '终端数',
  period: '时间范围',
  byCategory: '按原因统计',
  byHour: '每小时失败笔数',
  byDay: '每日失败笔数',
  localTimeNote: '时间为终端所在地的本地时间。',
  topCodes: '最常见的应答码',
  code: '应答码',
  source: '来源',
  meaning: '含义',
  category: '原因',
  count: '笔数',
  share: '占比',
  lostRevenue: '估计损失的营业额',
  lostRevenueNote: '事后未付款的失败交易金额合计；顾客改用其他方式（现金、其他终端）付款的仍计算在内。',
  recovered: '事后已付款',
  recoveredNote: '{n} 笔失败交易事后已付款，不计入损失的营业额。',
  recoveryMeans: {
    same_card: '同一张卡，稍后获批',
    other_card: '另一张卡，相同金额',
    late_approval: '银行延迟批准',
  },
  outcome: '结果',
  outcomes: {
    declined: '已拒绝',
    timed_out: '超时',
    reversal_sent: '已发冲正',
    reversed: '已冲正',
    reversal_failed: '冲正失败',
    approved_late: '延迟批准',
    possible_double_charge: '可能重复扣款',
    recovered: '事后已付款',
    written_off: '已核销',
  },
  settledSteps: { recovered: '事后已付款：无需处理', written_off: '已核销：无需处理' },
  currency: '币种',
  amount: '金额',
  table: '失败交易明细',
  tableCapped: '仅显示最近的 {shown} 条（共 {total} 条）；上方的合计与图表涵盖全部记录。',
  time: '时间',
  terminal: '终端',
  card: '卡号',
  stan: '流水号',
  rrn: '参考号',
  nextStep: '下一步',
  issuerScript: '联系发卡行的话术',
  retry: '重试',
  none: '没有符合筛选条件的失败交易。',
  categories: {
    insufficient_funds: '余额不足',
    card_problem: '卡片问题',
    cardholder_verification: '持卡人验证',
    issuer_decline: '发卡行拒绝',
    network: '网络/主机',
    merchant_setup: '商户设置',
    system_fault: '系统故障',
    approved: '已批准',
    unknown: '未知',
  },
  retryAdvice: {
    retry_now: '可立即重试一次',
    retry_later: '稍后再试',
    after_customer_action: '待顾客处理后',
    never_same_card: '此卡勿再重试',
    no_retry_needed: '无需重试',
  },
  nextSteps: {
    insufficient_funds: '请顾客换一张卡或减少金额；同一张卡稍后可能可用。',
    card_problem: '请顾客换卡或改用其他支付方式，并建议其向发卡行咨询卡片状况。',
    cardholder_verification: '请顾客插卡并输入正确的密码后重试。',
    issuer_decline: '请顾客换卡或改用其他支付方式，可联系发卡行；不要用此卡重试。',
    network: '检查终端网络连接后重试一次；仍失败则改用其他支付方式。',
    merchant_setup: '请联系收单机构客服：终端或商户参数需要修正。',
    system_fault: '重试一次；持续失败请重启终端并联系客服。',
    approved: '无需处理。',
    unknown: '请顾客改用其他支付方式，并向收单机构核实该应答码。',
  },
};

const de: ReportTexts = {
  locale: 'de-DE',
  title: 'Fehlgeschlagene Kartenzahlungen',
  generated: 'Erstellt am {at}',
  filters: 'Filter',
  noFilters: 'keine (alle Datensätze)',
  summary: 'Übersicht',
  records: 'Datensätze',
  failures: 'Fehlgeschlagene Zahlungen',
  terminals: 'Terminals',
  period: 'Zeitraum',
  byCategory: 'Fehler nach Ursache',
  byHour: 'Fehler pro Stunde',
  byDay: 'Fehler pro Tag',
  localTimeNote: 'Zeiten in Ortszeit des Terminals.',
  topCodes: 'Häufigste Antwortcodes',
  code: 'Code',
  source: 'Quelle',
  meaning: 'Bedeutung',
  category: 'Ursache',
  count: 'Anzahl',
  share: 'Anteil',
  lostRevenue: 'Geschätzter Umsatzausfall',
  lostRevenueNote:
    'Summe der Beträge fehlgeschlagener Zahlungen, die nicht nachträglich bezahlt wurden; Kunden, die anders bezahlt haben (bar, anderes Terminal), sind mitgezählt.',
  recovered: 'Nachträglich bezahlt',
  recoveredNote:
    '{n} fehlgeschlagene Zahlungen wurden nachträglich bezahlt und zählen nicht zum Umsatzausfall.',
  recoveryMeans: {
    same_card: 'dieselbe Karte, später genehmigt',
    other_card: 'andere Karte, gleicher Betrag',
    late_approval: 'verspätete Genehmigung der Bank',
  },
  outcome: 'Ergebnis',
  outcomes: {
    declined: 'abgelehnt',
    timed_out: 'Zeitüberschreitung',
    reversal_sent: 'Storno gesendet',
    reversed: 'storniert',
    reversal_failed: 'Storno fehlgeschlagen',
    approved_late: 'verspätet genehmigt',
    possible_double_charge: 'mögliche Doppelbelastung',
    recovered: 'nachträglich bezahlt',
    written_off: 'abgeschrieben',
  },
  settledSteps: {
    recovered: 'Nachträglich bezahlt: nichts zu tun',
    written_off: 'Abgeschrieben: nichts zu tun',
  },
  currency: 'Währung',
  amount: 'Betrag',
  table: 'Fehlgeschlagene Zahlungen',
  tableCapped:
    'Angezeigt werden die neuesten {shown} von {total} Datensätzen; Summen und Diagramme oben umfassen alle.',
  time: 'Zeit',
  terminal: 'Terminal',
  card: 'Karte',
  stan: 'Trace-Nr.',
  rrn: 'Referenz-Nr.',
  nextStep: 'Nächster Schritt',
  issuerScript: 'Text für den Anruf bei der Bank',
  retry: 'Wiederholen',
  none: 'Keine fehlgeschlagenen Zahlungen für diese Filter.',
  categories: {
    insufficient_funds: 'Deckung nicht ausreichend',
    card_problem: 'Problem mit der Karte',
    cardholder_verification: 'Karteninhaber-Prüfung',
    issuer_decline: 'Von der Bank abgelehnt',
    network: 'Netzwerk / Host',
    merchant_setup: 'Händlereinrichtung',
    system_fault: 'Systemfehler',
    approved: 'Genehmigt',
    unknown: 'Unbekannt',
  },
  retryAdvice: {
    retry_now: 'einmal sofort wiederholen',
    retry_later: 'später wiederholen',
    after_customer_action: 'nach Handlung des Kunden',
    never_same_card: 'nie mit dieser Karte',
    no_retry_needed: 'nicht nötig',
  },
  nextSteps: {
    insufficient_funds:
      'Um eine andere Karte oder einen kleineren Betrag bitten; dieselbe Karte klappt eventuell später.',
    card_problem:
      'Um eine andere Karte oder Zahlungsart bitten; der Kunde sollte die Karte bei seiner Bank prüfen lassen.',
    cardholder_verification: 'Den Kunden mit Chip und der richtigen PIN erneut zahlen lassen.',
    issuer_decline:
      'Um eine andere Karte oder Zahlungsart bitten; der Kunde kann seine Bank anrufen. Diese Karte nicht erneut versuchen.',
    network:
      'Verbindung des Terminals prüfen und einmal wiederholen; schlägt es erneut fehl, andere Zahlungsart anbieten.',
    merchant_setup: 'Den Support Ihres Acquirers anrufen: Terminal oder Händlerkonto muss korrigiert werden.',
    system_fault: 'Einmal wiederholen; bleibt der Fehler, Terminal neu starten und den Support anrufen.',
    approved: 'Nichts zu tun.',
    unknown: 'Um eine andere Zahlungsart bitten und den Code mit Ihrem Acquirer klären.',
  },
};

const fr: ReportTexts = {
  locale: 'fr-FR',
  title: 'Paiements par carte échoués',
  generated: 'Généré le {at}',
  filters: 'Filtres',
  noFilters: 'aucun (tous les enregistrements)',
  summary: 'Synthèse',
  records: 'Enregistrements',
  failures: 'Paiements échoués',
  terminals: 'Terminaux',
  period: 'Période',
  byCategory: 'Échecs par motif',
  byHour: 'Échecs par heure',
  byDay: 'Échecs par jour',
  localTimeNote: 'Heures locales du terminal.',
  topCodes: 'Codes réponse les plus fréquents',
  code: 'Code',
  source: 'Origine',
  meaning: 'Signification',
  category: 'Motif',
  count: 'Nombre',
  share: 'Part',
  lostRevenue: 'Chiffre d’affaires perdu (estimation)',
  lostRevenueNote:
    'Somme des montants des paiements refusés qui n’ont pas été payés ensuite ; un client qui a payé autrement (espèces, autre terminal) est encore compté.',
  recovered: 'Payés ensuite',
  recoveredNote:
    '{n} paiements refusés ont été payés ensuite et ne sont pas comptés dans le chiffre d’affaires perdu.',
  recoveryMeans: {
    same_card: 'même carte, acceptée ensuite',
    other_card: 'autre carte, même montant',
    late_approval: 'autorisation tardive de la banque',
  },
  outcome: 'Issue',
  outcomes: {
    declined: 'refusé',
    timed_out: 'sans réponse',
    reversal_sent: 'annulation envoyée',
    reversed: 'annulé',
    reversal_failed: 'annulation refusée',
    approved_late: 'accepté en retard',
    possible_double_charge: 'double débit possible',
    recovered: 'payé ensuite',
    written_off: 'passé en perte',
  },
  settledSteps: { recovered: 'Payé ensuite : rien à faire', written_off: 'Passé en perte : rien à faire' },
  currency: 'Devise',
  amount: 'Montant',
  table: 'Paiements échoués',
  tableCapped:
    'Affichage des {shown} plus récents sur {total} ; les totaux et graphiques ci-dessus portent sur l’ensemble.',
  time: 'Heure',
  terminal: 'Terminal',
  card: 'Carte',
  stan: 'N° de trace',
  rrn: 'N° de référence',
  nextStep: 'Que faire',
  issuerScript: 'Script pour appeler la banque émettrice',
  retry: 'Nouvel essai',
  none: 'Aucun paiement échoué pour ces filtres.',
  categories: {
    insufficient_funds: 'Provision insuffisante',
    card_problem: 'Problème de carte',
    cardholder_verification: 'Vérification du porteur',
    issuer_decline: 'Refus de la banque',
    network: 'Réseau / serveur',
    merchant_setup: 'Paramétrage commerçant',
    system_fault: 'Panne système',
    approved: 'Accepté',
    unknown: 'Inconnu',
  },
  retryAdvice: {
    retry_now: 'un essai immédiat',
    retry_later: 'réessayer plus tard',
    after_customer_action: 'après action du client',
    never_same_card: 'jamais avec cette carte',
    no_retry_needed: 'inutile',
  },
  nextSteps: {
    insufficient_funds:
      'Proposer une autre carte ou un montant plus faible ; la même carte pourra passer plus tard.',
    card_problem:
      'Proposer une autre carte ou un autre moyen de paiement ; le client doit se renseigner auprès de sa banque.',
    cardholder_verification: 'Laisser le client réessayer avec la puce et le bon code.',
    issuer_decline:
      'Proposer une autre carte ou un autre moyen de paiement ; le client peut appeler sa banque. Ne pas réessayer cette carte.',
    network:
      'Vérifier la connexion du terminal et réessayer une fois ; en cas de nouvel échec, proposer un autre moyen de paiement.',
    merchant_setup:
      'Appeler l’assistance de votre acquéreur : le terminal ou le contrat commerçant doit être corrigé.',
    system_fault: 'Réessayer une fois ; si l’échec persiste, redémarrer le terminal et appeler l’assistance.',
    approved: 'Rien à faire.',
    unknown: 'Proposer un autre moyen de paiement et vérifier le code auprès de votre acquéreur.',
  },
};

const ru: ReportTexts = {
  locale: 'ru-RU',
  title: 'Неуспешные платежи по картам',
  generated: 'Сформирован {at}',
  filters: 'Фильтры',
  noFilters: 'нет (все записи)',
  summary: 'Сводка',
  records: 'Записей',
  failures: 'Неуспешных платежей',
  terminals: 'Терминалов',
  period: 'Период',
  byCategory: 'Отказы по причинам',
  byHour: 'Отказы по часам',
  byDay: 'Отказы по дням',
  localTimeNote: 'Время указано по местному времени терминала.',
  topCodes: 'Самые частые коды ответа',
  code: 'Код',
  source: 'Источник',
  meaning: 'Значение',
  category: 'Причина',
  count: 'Кол-во',
  share: 'Доля',
  lostRevenue: 'Оценка упущенной выручки',
  lostRevenueNote:
    'Сумма неуспешных платежей, которые не были оплачены позже; покупатели, оплатившие иначе (наличными, на другом терминале), всё ещё входят.',
  recovered: 'Оплачено позже',
  recoveredNote: 'Неуспешных платежей, оплаченных позже: {n}; они не входят в упущенную выручку.',
  recoveryMeans: {
    same_card: 'та же карта, одобрено позже',
    other_card: 'другая карта, та же сумма',
    late_approval: 'позднее одобрение банка',
  },
  outcome: 'Итог',
  outcomes: {
    declined: 'отклонено',
    timed_out: 'нет ответа',
    reversal_sent: 'отмена отправлена',
    reversed: 'отменено',
    reversal_failed: 'отмена не прошла',
    approved_late: 'одобрено с опозданием',
    possible_double_charge: 'возможно двойное списание',
    recovered: 'оплачено позже',
    written_off: 'списано',
  },
  settledSteps: { recovered: 'Оплачено позже: ничего не нужно', written_off: 'Списано: ничего не нужно' },
  currency: 'Валюта',
  amount: 'Сумма',
  table: 'Неуспешные платежи',
  tableCapped: 'Показаны последние {shown} из {total} записей; итоги и графики выше учитывают все записи.',
  time: 'Время',
  terminal: 'Терминал',
  card: 'Карта',
  stan: 'STAN',
  rrn: 'RRN',
  nextStep: 'Что делать',
  issuerScript: 'Текст для звонка в банк',
  retry: 'Повтор',
  none: 'Нет неуспешных платежей по этим фильтрам.',
  categories: {
    insufficient_funds: 'Недостаточно средств',
    card_problem: 'Проблема с картой',
    cardholder_verification: 'Проверка держателя',
    issuer_decline: 'Отказ банка',
    network: 'Сеть / хост',
    merchant_setup: 'Настройки торговой точки',
    system_fault: 'Системный сбой',
    approved: 'Одобрено',
    unknown: 'Неизвестно',
  },
  retryAdvice: {
    retry_now: 'один повтор сразу',
    retry_later: 'повторить позже',
    after_customer_action: 'после действий покупателя',
    never_same_card: 'не повторять этой картой',
    no_retry_needed: 'не требуется',
  },
  nextSteps: {
    insufficient_funds: 'Предложите другую карту или меньшую сумму; этой картой можно попробовать позже.',
    card_problem: 'Предложите другую карту или способ оплаты; покупателю стоит обратиться в свой банк.',
    cardholder_verification: 'Пусть покупатель повторит оплату с чипом и правильным PIN-кодом.',
    issuer_decline:
      'Предложите другую карту или способ оплаты; покупатель может позвонить в банк. Не повторяйте этой картой.',
    network:
      'Проверьте связь терминала и повторите один раз; при новом отказе предложите другой способ оплаты.',
    merchant_setup: 'Позвоните в поддержку эквайера: нужно исправить настройки терминала или договора.',
    system_fault: 'Повторите один раз; если сбой не уходит, перезапустите терминал и позвоните в поддержку.',
    approved: 'Действий не требуется.',
    unknown: 'Предложите другой способ оплаты и уточните код у эквайера.',
  },
};

const fi: ReportTexts = {
  locale: 'fi-FI',
  title: 'Epäonnistuneet korttimaksut',
  generated: 'Luotu {at}',
  filters: 'Suodattimet',
  noFilters: 'ei suodattimia (kaikki tapahtumat)',
  summary: 'Yhteenveto',
  records: 'Tapahtumia',
  failures: 'Epäonnistuneita maksuja',
  terminals: 'Päätteitä',
  period: 'Ajanjakso',
  byCategory: 'Epäonnistumiset syyn mukaan',
  byHour: 'Epäonnistumiset tunneittain',
  byDay: 'Epäonnistumiset päivittäin',
  localTimeNote: 'Ajat ovat maksupäätteen paikallista aikaa.',
  topCodes: 'Yleisimmät vastauskoodit',
  code: 'Koodi',
  source: 'Lähde',
  meaning: 'Merkitys',
  category: 'Syy',
  count: 'Määrä',
  share: 'Osuus',
  lostRevenue: 'Arvioitu menetetty myynti',
  lostRevenueNote:
    'Niiden epäonnistuneiden maksujen summa, joita ei maksettu myöhemmin; asiakas, joka maksoi muulla tavalla (käteinen, toinen pääte), on yhä mukana.',
  recovered: 'Maksettu myöhemmin',
  recoveredNote: 'Myöhemmin maksettuja epäonnistuneita maksuja: {n}; niitä ei lasketa menetetyksi myynniksi.',
  recoveryMeans: {
    same_card: 'sama kortti, hyväksytty myöhemmin',
    other_card: 'toinen kortti, sama summa',
    late_approval: 'pankin myöhäinen hyväksyntä',
  },
  outcome: 'Lopputulos',
  outcomes: {
    declined: 'hylätty',
    timed_out: 'ei vastausta',
    reversal_sent: 'peruutus lähetetty',
    reversed: 'peruttu',
    reversal_failed: 'peruutus epäonnistui',
    approved_late: 'hyväksytty myöhässä',
    possible_double_charge: 'mahdollinen kaksoisveloitus',
    recovered: 'maksettu myöhemmin',
    written_off: 'kirjattu tappioksi',
  },
  settledSteps: {
    recovered: 'Maksettu myöhemmin: ei toimenpiteitä',
    written_off: 'Kirjattu tappioksi: ei toimenpiteitä',
  },
  currency: 'Valuutta',
  amount: 'Summa',
  table: 'Epäonnistuneet maksut',
  tableCapped:
    'Näytetään uusimmat {shown}/{total} tapahtumaa; yllä olevat summat ja kaaviot kattavat kaikki.',
  time: 'Aika',
  terminal: 'Pääte',
  card: 'Kortti',
  stan: 'STAN',
  rrn: 'Viitenro',
  nextStep: 'Seuraava toimenpide',
  issuerScript: 'Ohje soittoon kortin myöntäjälle',
  retry: 'Uusinta',
  none: 'Suodattimia vastaavia epäonnistuneita maksuja ei ole.',
  categories: {
    insufficient_funds: 'Kate ei riitä',
    card_problem: 'Korttiongelma',
    cardholder_verification: 'Kortinhaltijan tunnistus',
    issuer_decline: 'Pankki hylkäsi',
    network: 'Verkko / palvelin',
    merchant_setup: 'Kauppiasasetukset',
    system_fault: 'Järjestelmävika',
    approved: 'Hyväksytty',
    unknown: 'Tuntematon',
  },
  retryAdvice: {
    retry_now: 'yksi uusinta heti',
    retry_later: 'myöhemmin uudelleen',
    after_customer_action: 'asiakkaan toimien jälkeen',
    never_same_card: 'ei samalla kortilla',
    no_retry_needed: 'ei tarpeen',
  },
  nextSteps: {
    insufficient_funds: 'Pyydä toista korttia tai pienempää summaa; sama kortti voi toimia myöhemmin.',
    card_problem:
      'Pyydä toista korttia tai maksutapaa; asiakkaan kannattaa selvittää kortin tila pankistaan.',
    cardholder_verification: 'Anna asiakkaan yrittää uudelleen sirulla ja oikealla PIN-koodilla.',
    issuer_decline:
      'Pyydä toista korttia tai maksutapaa; asiakas voi soittaa pankkiinsa. Älä yritä samalla kortilla.',
    network:
      'Tarkista päätteen yhteys ja yritä kerran uudelleen; jos maksu epäonnistuu taas, käytä toista maksutapaa.',
    merchant_setup: 'Soita maksunvälittäjän tukeen: päätteen tai kauppiassopimuksen asetukset on korjattava.',
    system_fault: 'Yritä kerran uudelleen; jos vika jatkuu, käynnistä pääte uudelleen ja soita tukeen.',
    approved: 'Ei toimenpiteitä.',
    unknown: 'Pyydä toista maksutapaa ja tarkista koodi maksunvälittäjältä.',
  },
};

/** One table per built-in language (LANGS, agent/guidance/langs.ts). */
export const REPORT_TEXTS: Readonly<Record<Lang, ReportTexts>> = { en, zh, de, fr, ru, fi };

/** Fills {name} placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
