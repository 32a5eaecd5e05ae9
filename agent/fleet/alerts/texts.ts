/**
 * Texts of the alert messages that the report's tables (agent/export/i18n.ts: Reason, Amount,
 * Time, Terminal, Card, Next step, the category names) do not already have. Data, one table per
 * built-in language; placeholders are {name} (filled by i18n.ts `fill`).
 */
import type { Lang } from '../../guidance/langs.js';

export interface AlertTexts {
  merchant: string;
  /** Label of the link to the failure's follow-up case. */
  case: string;
  /** Label of the link to the terminal's page. */
  terminalPage: string;
  rule: string;
  /** Subject prefix of every alert e-mail. */
  prefix: string;
  /** {reason} {amount} {terminal}: a failure. */
  subjectFailure: string;
  /** {terminal}, {range}, {rate}: a decline rate over its threshold. */
  subjectRateTerminal: string;
  subjectRateRange: string;
  /** {terminal} {minutes}. */
  subjectOffline: string;
  subjectSilent: string;
  /** {terminal} {backlog}. */
  subjectBacklog: string;
  /** {n} {day}. */
  subjectDigest: string;
  /** {failures} of {attempts} payments ({rate}%) in {window} min, over {threshold}%. */
  reasonRateTerminal: string;
  /** The same for the cards of one range, {range}. */
  reasonRateRange: string;
  reasonOffline: string;
  reasonSilent: string;
  reasonBacklog: string;
  todoRateTerminal: string;
  todoRateRange: string;
  todoOffline: string;
  todoSilent: string;
  todoBacklog: string;
  /** Heading of a digest: {n} {day}. */
  digestHeading: string;
}

const en: AlertTexts = {
  merchant: 'Merchant',
  case: 'Case',
  terminalPage: 'Terminal page',
  rule: 'Rule',
  prefix: '[pos-agent]',
  subjectFailure: '{reason}: {amount} at {terminal}',
  subjectRateTerminal: 'Declines at {terminal}: {rate}%',
  subjectRateRange: 'Declines of cards {range}: {rate}%',
  subjectOffline: '{terminal} offline for {minutes} min',
  subjectSilent: '{terminal} silent for {minutes} min',
  subjectBacklog: '{terminal}: {backlog} records not sent',
  subjectDigest: '{n} alerts on {day}',
  reasonRateTerminal:
    '{failures} of {attempts} payments failed in {window} min ({rate}%, over the limit of {threshold}%).',
  reasonRateRange:
    '{failures} of {attempts} payments with cards {range}… failed in {window} min ({rate}%, over the limit of {threshold}%).',
  reasonOffline: 'The terminal has been offline for {minutes} minutes.',
  reasonSilent: 'The terminal has sent nothing for {minutes} minutes, though it did not say it went offline.',
  reasonBacklog: 'The terminal holds {backlog} records it has not sent yet (limit {over}).',
  todoRateTerminal:
    'Look at the failures of this terminal: a wrong set-up or a faulty reader shows as many failures of one kind. Call your acquirer if they continue.',
  todoRateRange:
    'Cards of this range fail more than usual: ask customers for another card and tell your acquirer, the issuer may have a problem.',
  todoOffline:
    'Check that the terminal has power and a network connection; restart it if it does not come back.',
  todoSilent:
    'Check the terminal: it may hang or have lost its network without noticing. Restart it if needed.',
  todoBacklog:
    'The terminal cannot send its records: check its network connection. Nothing is lost while it keeps them.',
  digestHeading: '{n} alerts on {day}',
};

const zh: AlertTexts = {
  merchant: '商户',
  case: '跟进记录',
  terminalPage: '终端页面',
  rule: '规则',
  prefix: '[pos-agent]',
  subjectFailure: '{reason}：{amount}，终端 {terminal}',
  subjectRateTerminal: '终端 {terminal} 拒绝率 {rate}%',
  subjectRateRange: '卡段 {range} 拒绝率 {rate}%',
  subjectOffline: '终端 {terminal} 已离线 {minutes} 分钟',
  subjectSilent: '终端 {terminal} 已 {minutes} 分钟无消息',
  subjectBacklog: '终端 {terminal}：{backlog} 条记录未发送',
  subjectDigest: '{day} 共 {n} 条提醒',
  reasonRateTerminal:
    '{window} 分钟内 {attempts} 笔付款中有 {failures} 笔失败（{rate}%，超过上限 {threshold}%）。',
  reasonRateRange:
    '{window} 分钟内卡段 {range}… 的 {attempts} 笔付款中有 {failures} 笔失败（{rate}%，超过上限 {threshold}%）。',
  reasonOffline: '终端已离线 {minutes} 分钟。',
  reasonSilent: '终端已 {minutes} 分钟没有发送任何消息，但未报告离线。',
  reasonBacklog: '终端有 {backlog} 条记录尚未发送（上限 {over}）。',
  todoRateTerminal:
    '查看该终端的失败交易：设置错误或读卡器故障会造成大量同类失败。如持续发生，请联系收单机构。',
  todoRateRange: '该卡段的卡片失败异常偏多：请顾客换卡，并告知收单机构，发卡行可能出现问题。',
  todoOffline: '检查终端电源和网络连接；如未恢复，请重启终端。',
  todoSilent: '检查终端：它可能已卡住或网络中断而未察觉。必要时请重启。',
  todoBacklog: '终端无法发送记录：请检查网络连接。记录保存在终端中，不会丢失。',
  digestHeading: '{day} 共 {n} 条提醒',
};

const de: AlertTexts = {
  merchant: 'Händler',
  case: 'Vorgang',
  terminalPage: 'Terminalseite',
  rule: 'Regel',
  prefix: '[pos-agent]',
  subjectFailure: '{reason}: {amount} an {terminal}',
  subjectRateTerminal: 'Ablehnungen an {terminal}: {rate} %',
  subjectRateRange: 'Ablehnungen der Karten {range}: {rate} %',
  subjectOffline: '{terminal} seit {minutes} Min. offline',
  subjectSilent: '{terminal} seit {minutes} Min. stumm',
  subjectBacklog: '{terminal}: {backlog} Datensätze nicht gesendet',
  subjectDigest: '{n} Meldungen am {day}',
  reasonRateTerminal:
    '{failures} von {attempts} Zahlungen sind in {window} Min. fehlgeschlagen ({rate} %, über der Grenze von {threshold} %).',
  reasonRateRange:
    '{failures} von {attempts} Zahlungen mit Karten {range}… sind in {window} Min. fehlgeschlagen ({rate} %, über der Grenze von {threshold} %).',
  reasonOffline: 'Das Terminal ist seit {minutes} Minuten offline.',
  reasonSilent: 'Das Terminal hat seit {minutes} Minuten nichts gesendet, sich aber nicht abgemeldet.',
  reasonBacklog: 'Das Terminal hält {backlog} noch nicht gesendete Datensätze (Grenze {over}).',
  todoRateTerminal:
    'Prüfen Sie die Fehlschläge dieses Terminals: eine falsche Einrichtung oder ein defekter Leser zeigt sich als viele Fehler einer Art. Rufen Sie Ihren Acquirer an, wenn es anhält.',
  todoRateRange:
    'Karten dieses Bereichs scheitern häufiger als sonst: bitten Sie um eine andere Karte und informieren Sie Ihren Acquirer, die ausgebende Bank hat vielleicht ein Problem.',
  todoOffline: 'Prüfen Sie Strom und Netzwerk des Terminals; starten Sie es neu, wenn es nicht zurückkommt.',
  todoSilent:
    'Prüfen Sie das Terminal: es hängt vielleicht oder hat unbemerkt das Netz verloren. Bei Bedarf neu starten.',
  todoBacklog:
    'Das Terminal kann seine Datensätze nicht senden: prüfen Sie die Netzwerkverbindung. Solange es sie hält, geht nichts verloren.',
  digestHeading: '{n} Meldungen am {day}',
};

const fr: AlertTexts = {
  merchant: 'Commerçant',
  case: 'Dossier',
  terminalPage: 'Page du terminal',
  rule: 'Règle',
  prefix: '[pos-agent]',
  subjectFailure: '{reason} : {amount} sur {terminal}',
  subjectRateTerminal: 'Refus sur {terminal} : {rate} %',
  subjectRateRange: 'Refus des cartes {range} : {rate} %',
  subjectOffline: '{terminal} hors ligne depuis {minutes} min',
  subjectSilent: '{terminal} muet depuis {minutes} min',
  subjectBacklog: '{terminal} : {backlog} enregistrements non envoyés',
  subjectDigest: '{n} alertes le {day}',
  reasonRateTerminal:
    '{failures} paiements sur {attempts} ont échoué en {window} min ({rate} %, au-delà de la limite de {threshold} %).',
  reasonRateRange:
    '{failures} paiements sur {attempts} avec des cartes {range}… ont échoué en {window} min ({rate} %, au-delà de la limite de {threshold} %).',
  reasonOffline: 'Le terminal est hors ligne depuis {minutes} minutes.',
  reasonSilent: "Le terminal n'a rien envoyé depuis {minutes} minutes, sans s'être déclaré hors ligne.",
  reasonBacklog: "Le terminal garde {backlog} enregistrements qu'il n'a pas encore envoyés (limite {over}).",
  todoRateTerminal:
    "Examinez les échecs de ce terminal : un mauvais paramétrage ou un lecteur défectueux produit beaucoup d'échecs d'un même type. Appelez votre acquéreur si cela continue.",
  todoRateRange:
    "Les cartes de cette plage échouent plus que d'habitude : demandez une autre carte et prévenez votre acquéreur, l'émetteur a peut-être un problème.",
  todoOffline: "Vérifiez l'alimentation et le réseau du terminal ; redémarrez-le s'il ne revient pas.",
  todoSilent:
    'Vérifiez le terminal : il est peut-être bloqué ou a perdu le réseau sans le voir. Redémarrez-le si besoin.',
  todoBacklog:
    "Le terminal n'arrive pas à envoyer ses enregistrements : vérifiez sa connexion réseau. Rien n'est perdu tant qu'il les garde.",
  digestHeading: '{n} alertes le {day}',
};

const ru: AlertTexts = {
  merchant: 'Продавец',
  case: 'Обращение',
  terminalPage: 'Страница терминала',
  rule: 'Правило',
  prefix: '[pos-agent]',
  subjectFailure: '{reason}: {amount}, терминал {terminal}',
  subjectRateTerminal: 'Отказы на терминале {terminal}: {rate}%',
  subjectRateRange: 'Отказы карт {range}: {rate}%',
  subjectOffline: 'Терминал {terminal} не в сети {minutes} мин',
  subjectSilent: 'Терминал {terminal} молчит {minutes} мин',
  subjectBacklog: 'Терминал {terminal}: {backlog} записей не отправлено',
  subjectDigest: 'Оповещений за {day}: {n}',
  reasonRateTerminal:
    'За {window} мин не прошли {failures} из {attempts} платежей ({rate}%, выше порога {threshold}%).',
  reasonRateRange:
    'За {window} мин не прошли {failures} из {attempts} платежей картами {range}… ({rate}%, выше порога {threshold}%).',
  reasonOffline: 'Терминал не в сети уже {minutes} минут.',
  reasonSilent: 'Терминал ничего не присылает {minutes} минут, хотя не сообщал об отключении.',
  reasonBacklog: 'На терминале {backlog} неотправленных записей (порог {over}).',
  todoRateTerminal:
    'Посмотрите отказы этого терминала: ошибка настройки или неисправный считыватель дают много отказов одного вида. Если это продолжается, позвоните эквайеру.',
  todoRateRange:
    'Карты этого диапазона отклоняются чаще обычного: попросите другую карту и сообщите эквайеру, у банка-эмитента может быть сбой.',
  todoOffline: 'Проверьте питание и сеть терминала; перезапустите его, если он не вернётся.',
  todoSilent:
    'Проверьте терминал: он мог зависнуть или незаметно потерять сеть. При необходимости перезапустите.',
  todoBacklog:
    'Терминал не может отправить записи: проверьте сетевое подключение. Пока записи на терминале, они не потеряются.',
  digestHeading: 'Оповещений за {day}: {n}',
};

const fi: AlertTexts = {
  merchant: 'Kauppias',
  case: 'Tapaus',
  terminalPage: 'Päätteen sivu',
  rule: 'Sääntö',
  prefix: '[pos-agent]',
  subjectFailure: '{reason}: {amount}, pääte {terminal}',
  subjectRateTerminal: 'Hylkäyksiä päätteellä {terminal}: {rate} %',
  subjectRateRange: 'Korttien {range} hylkäyksiä: {rate} %',
  subjectOffline: 'Pääte {terminal} poissa verkosta {minutes} min',
  subjectSilent: 'Pääte {terminal} hiljaa {minutes} min',
  subjectBacklog: 'Pääte {terminal}: {backlog} tietuetta lähettämättä',
  subjectDigest: '{n} hälytystä {day}',
  reasonRateTerminal:
    '{failures}/{attempts} maksua epäonnistui {window} minuutissa ({rate} %, yli rajan {threshold} %).',
  reasonRateRange:
    '{failures}/{attempts} maksua korteilla {range}… epäonnistui {window} minuutissa ({rate} %, yli rajan {threshold} %).',
  reasonOffline: 'Pääte on ollut poissa verkosta {minutes} minuuttia.',
  reasonSilent: 'Pääte ei ole lähettänyt mitään {minutes} minuuttiin, vaikka se ei ilmoittanut katkosta.',
  reasonBacklog: 'Päätteellä on {backlog} lähettämätöntä tietuetta (raja {over}).',
  todoRateTerminal:
    'Katso tämän päätteen epäonnistumiset: väärät asetukset tai viallinen lukija näkyy monena samanlaisena virheenä. Soita maksunvälittäjälle, jos tämä jatkuu.',
  todoRateRange:
    'Tämän alueen kortit epäonnistuvat tavallista useammin: pyydä toista korttia ja kerro maksunvälittäjälle, korttiyhtiöllä voi olla häiriö.',
  todoOffline: 'Tarkista päätteen virta ja verkkoyhteys; käynnistä se uudelleen, jos se ei palaa.',
  todoSilent:
    'Tarkista pääte: se voi olla jumissa tai menettänyt verkon huomaamattaan. Käynnistä uudelleen tarvittaessa.',
  todoBacklog:
    'Pääte ei saa lähetettyä tietueitaan: tarkista verkkoyhteys. Mitään ei katoa niin kauan kuin pääte säilyttää ne.',
  digestHeading: '{n} hälytystä {day}',
};

/** One table per built-in language (LANGS, agent/guidance/langs.ts). */
export const ALERT_TEXTS: Readonly<Record<Lang, AlertTexts>> = { en, zh, de, fr, ru, fi };
